/** Opens the item in Plex Web, which plays it from the household's server. */
export function PlayOnPlexLink({ url, title, small = false }: { url: string; title: string; small?: boolean }) {
  return (
    <a
      className={`button button-plex${small ? ' button-small' : ''}`}
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      aria-label={`Play ${title} on Plex`}
    >
      ▶ Play on Plex
    </a>
  );
}
