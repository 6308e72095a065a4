// Every `qnnlab` command, in the order `qnnlab help` lists them. Add new command modules here.
import type { Command } from '../command.ts';

export const commands: Command[] = [];
