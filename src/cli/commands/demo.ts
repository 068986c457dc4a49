import type { CommandContext, CommandOutput } from "../command.ts";
export function run(_ctx: CommandContext): Promise<CommandOutput> {
  throw new Error("not yet");
}
