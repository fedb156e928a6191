/**
 * Text from outside MediaNest (a media title from Overseerr, a service name, an announcement) as
 * chat markup that shows it literally: no mention pings anyone, no fake link, no bold that hides
 * the real text. Discord's and Slack's formats differ, so each kind has its own escape.
 */

/**
 * Discord: every markdown or mention character gets a backslash (`\@everyone`, `\<@&123\>`,
 * `\[Open\]\(https\://…\)`), which Discord renders as the plain character. The message also sends
 * `allowed_mentions: { parse: [] }` (DISCORD_NO_MENTIONS), so even a mention that slipped through
 * would notify nobody.
 */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|<>@#[\]()\-:!]/g, '\\$&');
}

/** Discord's "parse no mention of any kind": @everyone, @here, roles and users stay text. */
export const DISCORD_NO_MENTIONS = { parse: [] as string[] };

/**
 * Slack: `&`, `<` and `>` are the only control characters of its mrkdwn (`<!channel>`,
 * `<@U123>`, `<https://x|label>`), and Slack asks for exactly these three to be escaped as HTML
 * entities.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
