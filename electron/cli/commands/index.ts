// Every `qnnlab` command, in the order `qnnlab help` lists them. Add new command modules here.
import type { Command } from '../command.ts';
import { datasetCommands } from './dataset.ts';
import { quantumCommands } from './quantum.ts';
import { hardwareCommands } from './hardware.ts';
import { imputeCommands } from './impute.ts';
import { runCommands } from './run.ts';
import { reportCommands } from './report.ts';
import { compareCommands } from './compare.ts';
import { providerCommands } from './provider.ts';

export const commands: Command[] = [
  ...datasetCommands,
  ...quantumCommands,
  ...hardwareCommands,
  ...imputeCommands,
  ...runCommands,
  ...providerCommands,
  ...compareCommands,
  ...reportCommands,
];
