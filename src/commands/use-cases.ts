// The one table of the ledger's use cases, by command type. HTTP, the CLI and the tests dispatch
// through it; each entry lives in its capability's folder.
import { addTag, registerEnterprise, raiseFlag, liftFlag, removeTag } from '../enterprises/use-cases.js';
import { publishHolidayYear, publishProgramme, publishProgrammeVersion } from '../programmes/use-cases.js';
import { allocateBudget } from '../budgets/use-cases.js';
import { reviewApplication, submitApplication, withdrawApplication } from '../applications/use-cases.js';
import { fileObjection, openNotice, resolveObjection } from '../notices/use-cases.js';
import { approveAward, revokeAward } from '../awards/use-cases.js';
import { recordDecision } from '../decisions/use-cases.js';
import { confirmDisbursement, recordDisbursement, rejectDisbursement } from '../disbursements/use-cases.js';
import { concludeReferral, orderClawback, recordRecovery, referFraud, writeOffClawback } from '../clawbacks/use-cases.js';
import type { AnyUseCase, UseCase } from './use-case.js';

export const useCases = {
  PublishProgramme: publishProgramme,
  PublishProgrammeVersion: publishProgrammeVersion,
  PublishHolidayYear: publishHolidayYear,
  AllocateBudget: allocateBudget,
  RegisterEnterprise: registerEnterprise,
  RaiseFlag: raiseFlag,
  LiftFlag: liftFlag,
  AddTag: addTag,
  RemoveTag: removeTag,
  SubmitApplication: submitApplication,
  ReviewApplication: reviewApplication,
  WithdrawApplication: withdrawApplication,
  OpenNotice: openNotice,
  FileObjection: fileObjection,
  ResolveObjection: resolveObjection,
  RecordDecision: recordDecision,
  ApproveAward: approveAward,
  RevokeAward: revokeAward,
  RecordDisbursement: recordDisbursement,
  ConfirmDisbursement: confirmDisbursement,
  RejectDisbursement: rejectDisbursement,
  OrderClawback: orderClawback,
  RecordRecovery: recordRecovery,
  WriteOffClawback: writeOffClawback,
  ReferFraud: referFraud,
  ConcludeReferral: concludeReferral,
} as const satisfies { readonly [T in string]: AnyUseCase & { readonly type: T } };

export type CommandType = keyof typeof useCases;
type Entry<T extends CommandType> = (typeof useCases)[T];
/* eslint-disable @typescript-eslint/no-explicit-any -- inference over the table's entries */
/** The typed data a command of this type carries, as its parser makes it. */
export type DataOf<T extends CommandType> = Entry<T> extends UseCase<any, infer D, any, any, any> ? D : never;
/** What a command of this type answers (before its log position is added). */
export type ResultOf<T extends CommandType> = Entry<T> extends UseCase<any, any, any, any, infer R> ? R : never;
/* eslint-enable @typescript-eslint/no-explicit-any */
