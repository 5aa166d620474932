import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import type { EpochPrismaClient } from '@epoch/db';
import { redecideInTransaction } from '@epoch/grading';
import {
  ZGradingPolicy,
  type TExerciseView,
  type TGradingPolicyInput,
  type TPolicyHistory,
  type TPolicyUpdateResult,
  type TPolicyView,
} from '@epoch/contracts';
import { PRISMA } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, Roles, type AuthContext } from '../auth/auth-context';
import { ApiError, conflict } from '../http/api-error';
import { ZodPipe } from '../http/zod.pipe';
import { policyChanges, policyFromRow, policyToColumns, samePolicy, studentPolicyView } from '../policies/policy-row';
import { quotaUsage } from '../submissions/quota';

const noPolicy = (slug: string) => new ApiError(409, 'no_policy', `exercise "${slug}" has no grading policy yet`);

@Controller('api/exercises')
export class ExercisesController {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  /** An exercise of one of the caller's courses, with the live policy's student-visible parts and the quota left. */
  @Get(':slug')
  async exercise(@Caller() caller: AuthContext, @Param('slug') slug: string): Promise<TExerciseView> {
    const { exercise, role } = await this.access.exercise(caller, slug);
    if (!exercise.policy) throw noPolicy(slug);
    return {
      slug: exercise.slug,
      title: exercise.title,
      position: exercise.position,
      courseSlug: exercise.course.slug,
      instructions: exercise.instructions,
      starterCode: exercise.starterCode,
      afterStep: exercise.afterStep,
      policy: studentPolicyView(exercise.policy),
      quota: role === 'STUDENT' ? await quotaUsage(this.prisma, caller.userId, exercise.id, exercise.policy) : null,
    };
  }

  /** The full live policy (the course's instructors and admins). */
  @Get(':slug/policy')
  async policy(@Caller() caller: AuthContext, @Param('slug') slug: string): Promise<TPolicyView> {
    const { exercise } = await this.access.exercise(caller, slug, 'staff');
    if (!exercise.policy) throw noPolicy(slug);
    return { exerciseSlug: slug, version: exercise.policy.version, policy: policyFromRow(exercise.policy), updatedAt: exercise.policy.updatedAt.toISOString() };
  }

  /** Every version of the policy, newest first: who changed it, when, and each field's old and new value. */
  @Get(':slug/policy/history')
  async policyHistory(@Caller() caller: AuthContext, @Param('slug') slug: string): Promise<TPolicyHistory> {
    const { exercise } = await this.access.exercise(caller, slug, 'staff');
    const rows = await this.prisma.gradingPolicyChange.findMany({
      where: { exerciseId: exercise.id },
      orderBy: { version: 'desc' },
      include: { changedBy: { select: { id: true, name: true, email: true } } },
    });
    return {
      exerciseSlug: slug,
      items: rows.map((r) => ({
        version: r.version,
        changedAt: r.changedAt.toISOString(),
        changedBy: r.changedBy,
        ...policyChanges(r.oldValues, r.newValues),
      })),
    };
  }

  /**
   * Replaces the policy (admins only). In one transaction: the new version, its history row (who, when, old -> new),
   * an audit entry, and the re-decision of stored PASSED/FAILED results against a changed threshold.
   */
  @Roles('ADMIN')
  @Put(':slug/policy')
  async updatePolicy(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZGradingPolicy)) next: TGradingPolicyInput,
  ): Promise<TPolicyUpdateResult> {
    const { exercise } = await this.access.exercise(caller, slug, 'staff');
    const current = exercise.policy;
    if (!current) throw noPolicy(slug);
    const newPolicy = ZGradingPolicy.parse(next);
    const oldPolicy = policyFromRow(current);
    if (samePolicy(oldPolicy, newPolicy)) {
      return {
        exerciseSlug: slug,
        version: current.version,
        policy: oldPolicy,
        updatedAt: current.updatedAt.toISOString(),
        redecided: { passedToFailed: 0, failedToPassed: 0 },
      };
    }
    const version = current.version + 1;
    return this.prisma.$transaction(async (tx) => {
      // Optimistic lock: a concurrent change bumped the version first, so this one would silently overwrite it.
      const updated = await tx.gradingPolicy.updateMany({
        where: { id: current.id, version: current.version },
        data: { ...policyToColumns(newPolicy), version },
      });
      if (updated.count !== 1) throw conflict('policy_changed', 'the policy was changed meanwhile; reload it and apply your change again');
      await tx.gradingPolicyChange.create({
        data: { exerciseId: exercise.id, version, changedById: caller.userId, oldValues: oldPolicy, newValues: newPolicy },
      });
      let redecided = { passedToFailed: 0, failedToPassed: 0 };
      if (oldPolicy.minTestAccuracy !== newPolicy.minTestAccuracy) {
        const min = newPolicy.minTestAccuracy;
        const { toFailed, toPassed } = await redecideInTransaction(tx, exercise.id, min);
        redecided = { passedToFailed: toFailed.length, failedToPassed: toPassed.length };
        if (toFailed.length + toPassed.length > 0) {
          await tx.auditLog.create({
            data: {
              actorId: caller.userId,
              action: 'submission.redecide',
              entityType: 'Exercise',
              entityId: exercise.id,
              data: { policyVersion: version, minTestAccuracy: { old: oldPolicy.minTestAccuracy, new: min }, toFailed, toPassed },
            },
          });
        }
      }
      await tx.auditLog.create({
        data: {
          actorId: caller.userId,
          action: 'policy.update',
          entityType: 'Exercise',
          entityId: exercise.id,
          data: { version, old: oldPolicy, new: newPolicy, redecided },
        },
      });
      const row = await tx.gradingPolicy.findUniqueOrThrow({ where: { id: current.id } });
      return { exerciseSlug: slug, version, policy: policyFromRow(row), updatedAt: row.updatedAt.toISOString(), redecided };
    });
  }
}
