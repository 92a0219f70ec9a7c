// The ledger's commands on @nestjs/cqrs: one class per use case, and a thin handler that hands it
// to the Ledger. Controllers and the CLI execute these through the CommandBus.
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Ledger } from './ledger.js';
import type { CommandContext } from './runner.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { HolidayYear } from '../shared/working-days.js';

type ResultOf<M extends keyof Ledger> = Ledger[M] extends (...args: never[]) => Promise<infer R> ? R : never;

export class AllocateBudgetCommand extends Command<ResultOf<'allocateBudget'>> {
  constructor(readonly context: CommandContext, readonly programmeId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(AllocateBudgetCommand)
export class AllocateBudgetHandler implements ICommandHandler<AllocateBudgetCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: AllocateBudgetCommand): Promise<ResultOf<'allocateBudget'>> {
    return this.ledger.allocateBudget(command.context, command.programmeId, command.body);
  }
}

export class RegisterEnterpriseCommand extends Command<ResultOf<'registerEnterprise'>> {
  constructor(readonly context: CommandContext, readonly body: unknown) {
    super();
  }
}

@CommandHandler(RegisterEnterpriseCommand)
export class RegisterEnterpriseHandler implements ICommandHandler<RegisterEnterpriseCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: RegisterEnterpriseCommand): Promise<ResultOf<'registerEnterprise'>> {
    return this.ledger.registerEnterprise(command.context, command.body);
  }
}

export class RaiseFlagCommand extends Command<ResultOf<'raiseFlag'>> {
  constructor(readonly context: CommandContext, readonly uscc: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(RaiseFlagCommand)
export class RaiseFlagHandler implements ICommandHandler<RaiseFlagCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: RaiseFlagCommand): Promise<ResultOf<'raiseFlag'>> {
    return this.ledger.raiseFlag(command.context, command.uscc, command.body);
  }
}

export class LiftFlagCommand extends Command<ResultOf<'liftFlag'>> {
  constructor(readonly context: CommandContext, readonly uscc: string, readonly flagId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(LiftFlagCommand)
export class LiftFlagHandler implements ICommandHandler<LiftFlagCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: LiftFlagCommand): Promise<ResultOf<'liftFlag'>> {
    return this.ledger.liftFlag(command.context, command.uscc, command.flagId, command.body);
  }
}

export class SubmitApplicationCommand extends Command<ResultOf<'submit'>> {
  constructor(readonly context: CommandContext, readonly body: unknown) {
    super();
  }
}

@CommandHandler(SubmitApplicationCommand)
export class SubmitApplicationHandler implements ICommandHandler<SubmitApplicationCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: SubmitApplicationCommand): Promise<ResultOf<'submit'>> {
    return this.ledger.submit(command.context, command.body);
  }
}

export class ReviewApplicationCommand extends Command<ResultOf<'review'>> {
  constructor(readonly context: CommandContext, readonly applicationId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(ReviewApplicationCommand)
export class ReviewApplicationHandler implements ICommandHandler<ReviewApplicationCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: ReviewApplicationCommand): Promise<ResultOf<'review'>> {
    return this.ledger.review(command.context, command.applicationId, command.body);
  }
}

export class WithdrawApplicationCommand extends Command<ResultOf<'withdraw'>> {
  constructor(readonly context: CommandContext, readonly applicationId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(WithdrawApplicationCommand)
export class WithdrawApplicationHandler implements ICommandHandler<WithdrawApplicationCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: WithdrawApplicationCommand): Promise<ResultOf<'withdraw'>> {
    return this.ledger.withdraw(command.context, command.applicationId, command.body);
  }
}

export class OpenNoticeCommand extends Command<ResultOf<'openNotice'>> {
  constructor(readonly context: CommandContext, readonly body: unknown) {
    super();
  }
}

@CommandHandler(OpenNoticeCommand)
export class OpenNoticeHandler implements ICommandHandler<OpenNoticeCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: OpenNoticeCommand): Promise<ResultOf<'openNotice'>> {
    return this.ledger.openNotice(command.context, command.body);
  }
}

export class FileObjectionCommand extends Command<ResultOf<'fileObjection'>> {
  constructor(readonly context: CommandContext, readonly noticeId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(FileObjectionCommand)
export class FileObjectionHandler implements ICommandHandler<FileObjectionCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: FileObjectionCommand): Promise<ResultOf<'fileObjection'>> {
    return this.ledger.fileObjection(command.context, command.noticeId, command.body);
  }
}

export class ResolveObjectionCommand extends Command<ResultOf<'resolveObjection'>> {
  constructor(readonly context: CommandContext, readonly noticeId: string, readonly objectionId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(ResolveObjectionCommand)
export class ResolveObjectionHandler implements ICommandHandler<ResolveObjectionCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: ResolveObjectionCommand): Promise<ResultOf<'resolveObjection'>> {
    return this.ledger.resolveObjection(command.context, command.noticeId, command.objectionId, command.body);
  }
}

export class ApproveAwardCommand extends Command<ResultOf<'approve'>> {
  constructor(readonly context: CommandContext, readonly applicationId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(ApproveAwardCommand)
export class ApproveAwardHandler implements ICommandHandler<ApproveAwardCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: ApproveAwardCommand): Promise<ResultOf<'approve'>> {
    return this.ledger.approve(command.context, command.applicationId, command.body);
  }
}

export class RevokeAwardCommand extends Command<ResultOf<'revoke'>> {
  constructor(readonly context: CommandContext, readonly applicationId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(RevokeAwardCommand)
export class RevokeAwardHandler implements ICommandHandler<RevokeAwardCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: RevokeAwardCommand): Promise<ResultOf<'revoke'>> {
    return this.ledger.revoke(command.context, command.applicationId, command.body);
  }
}

export class RecordDisbursementCommand extends Command<ResultOf<'recordDisbursement'>> {
  constructor(readonly context: CommandContext, readonly applicationId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(RecordDisbursementCommand)
export class RecordDisbursementHandler implements ICommandHandler<RecordDisbursementCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: RecordDisbursementCommand): Promise<ResultOf<'recordDisbursement'>> {
    return this.ledger.recordDisbursement(command.context, command.applicationId, command.body);
  }
}

export class ConfirmDisbursementCommand extends Command<ResultOf<'confirmDisbursement'>> {
  constructor(readonly context: CommandContext, readonly disbursementId: string) {
    super();
  }
}

@CommandHandler(ConfirmDisbursementCommand)
export class ConfirmDisbursementHandler implements ICommandHandler<ConfirmDisbursementCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: ConfirmDisbursementCommand): Promise<ResultOf<'confirmDisbursement'>> {
    return this.ledger.confirmDisbursement(command.context, command.disbursementId);
  }
}

export class OrderClawbackCommand extends Command<ResultOf<'orderClawback'>> {
  constructor(readonly context: CommandContext, readonly applicationId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(OrderClawbackCommand)
export class OrderClawbackHandler implements ICommandHandler<OrderClawbackCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: OrderClawbackCommand): Promise<ResultOf<'orderClawback'>> {
    return this.ledger.orderClawback(command.context, command.applicationId, command.body);
  }
}

export class RecordRecoveryCommand extends Command<ResultOf<'recordRecovery'>> {
  constructor(readonly context: CommandContext, readonly clawbackId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(RecordRecoveryCommand)
export class RecordRecoveryHandler implements ICommandHandler<RecordRecoveryCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: RecordRecoveryCommand): Promise<ResultOf<'recordRecovery'>> {
    return this.ledger.recordRecovery(command.context, command.clawbackId, command.body);
  }
}

export class WriteOffClawbackCommand extends Command<ResultOf<'writeOffClawback'>> {
  constructor(readonly context: CommandContext, readonly clawbackId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(WriteOffClawbackCommand)
export class WriteOffClawbackHandler implements ICommandHandler<WriteOffClawbackCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: WriteOffClawbackCommand): Promise<ResultOf<'writeOffClawback'>> {
    return this.ledger.writeOffClawback(command.context, command.clawbackId, command.body);
  }
}

export class PublishProgrammeCommand extends Command<ResultOf<'publishProgramme'>> {
  constructor(readonly context: CommandContext, readonly definition: ProgrammeDefinition) {
    super();
  }
}

@CommandHandler(PublishProgrammeCommand)
export class PublishProgrammeHandler implements ICommandHandler<PublishProgrammeCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: PublishProgrammeCommand): Promise<ResultOf<'publishProgramme'>> {
    return this.ledger.publishProgramme(command.context, command.definition);
  }
}

export class PublishHolidayYearCommand extends Command<ResultOf<'publishHolidayYear'>> {
  constructor(readonly context: CommandContext, readonly year: HolidayYear) {
    super();
  }
}

@CommandHandler(PublishHolidayYearCommand)
export class PublishHolidayYearHandler implements ICommandHandler<PublishHolidayYearCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: PublishHolidayYearCommand): Promise<ResultOf<'publishHolidayYear'>> {
    return this.ledger.publishHolidayYear(command.context, command.year);
  }
}

export class RejectDisbursementCommand extends Command<ResultOf<'rejectDisbursement'>> {
  constructor(readonly context: CommandContext, readonly disbursementId: string, readonly body: unknown) {
    super();
  }
}

@CommandHandler(RejectDisbursementCommand)
export class RejectDisbursementHandler implements ICommandHandler<RejectDisbursementCommand> {
  constructor(private readonly ledger: Ledger) {}

  execute(command: RejectDisbursementCommand): Promise<ResultOf<'rejectDisbursement'>> {
    return this.ledger.rejectDisbursement(command.context, command.disbursementId, command.body);
  }
}

export const commandHandlers = [
  RejectDisbursementHandler,
  PublishProgrammeHandler,
  PublishHolidayYearHandler,
  AllocateBudgetHandler,
  RegisterEnterpriseHandler,
  RaiseFlagHandler,
  LiftFlagHandler,
  SubmitApplicationHandler,
  ReviewApplicationHandler,
  WithdrawApplicationHandler,
  OpenNoticeHandler,
  FileObjectionHandler,
  ResolveObjectionHandler,
  ApproveAwardHandler,
  RevokeAwardHandler,
  RecordDisbursementHandler,
  ConfirmDisbursementHandler,
  OrderClawbackHandler,
  RecordRecoveryHandler,
  WriteOffClawbackHandler,
];
