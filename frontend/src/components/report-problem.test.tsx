/** "Report a problem" from the keyboard: focus goes into the form, back to the button on Cancel, onto the confirmation once sent. */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { ReportProblem } from './report-problem';

vi.mock(import('../api/client'), async (original) => {
  const real = await original();
  return { ...real, api: { ...real.api, post: vi.fn() } };
});
const post = vi.mocked(api.post);
afterEach(() => post.mockReset());

function setup() {
  render(
    <MemoryRouter>
      <ReportProblem mediaType="movie" tmdbId={603} title="The Matrix" seasons={null} />
    </MemoryRouter>,
  );
  return userEvent.setup();
}

describe('ReportProblem', () => {
  it('takes the focus into the form when it opens, and back to its button on Cancel', async () => {
    const user = setup();
    await user.tab();
    await user.keyboard('{Enter}');
    expect(screen.getByLabelText('What is wrong')).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Report a problem' })).toHaveFocus();
  });

  it('sends the report from the keyboard and puts the focus on the confirmation', async () => {
    post.mockResolvedValue({ issue: { id: 1 } });
    const user = setup();
    await user.tab();
    await user.keyboard(' ');
    await user.selectOptions(screen.getByLabelText('What is wrong'), 'audio');
    await user.tab();
    await user.keyboard('The sound drifts');
    await user.tab();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('status')).toHaveFocus();
    expect(screen.getByRole('status')).toHaveTextContent(/Reported/);
    expect(post).toHaveBeenCalledWith('/api/v1/issues', {
      mediaType: 'movie',
      tmdbId: 603,
      issueType: 'audio',
      message: 'The sound drifts',
    });
  });
});
