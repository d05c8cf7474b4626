/** `/vote #N 选项`, `/vote #N 95`, `/vote #N check 回执码`. */
import { command, type CommandSpec } from '../../../bot/feature.ts';
import { badAnswer, ensureCanVote, requirePoll } from '../access.ts';
import { CHECK_WORDS, voteArgs } from '../args.ts';
import { normalizeReceiptCode } from '../codes.ts';
import { parseAnswer, type PollsRuntime } from '../lifecycle.ts';
import { castVote, checkReceipt } from '../vote.ts';

/** Everyone (voting is then limited by each poll's audience). */

/** The vote command. Its events are stored redacted from their first write (`secret`). */
export function voteCommand(runtime: PollsRuntime): CommandSpec {
  return command({
    name: 'vote',
    aliases: ['选'],
    minRole: 'masses',
    summaryKey: 'polls.vote.summary',
    usageKey: 'polls.vote.usage',
    args: voteArgs,
    secret: true,
    handler: async (ctx, { id, rest }) => {
      ctx.redactEvent();
      const poll = await requirePoll(ctx, id);
      const tokens = [...rest.tokens];
      if (tokens.length > 0 && CHECK_WORDS.has(tokens[0]!.toLowerCase())) {
        await checkReceipt(ctx, poll, tokens.slice(1).join(''), runtime);
        return;
      }
      ensureCanVote(ctx, poll);
      let code: string | undefined;
      if (tokens.length >= 2) {
        code = normalizeReceiptCode(tokens[tokens.length - 1]!);
        if (code) tokens.pop();
      }
      if (tokens.length === 0) throw badAnswer(poll);
      const content = parseAnswer(poll, tokens.join(' '));
      if (!content) throw badAnswer(poll);
      await castVote(ctx, poll, content, code, runtime);
    },
  });
}
