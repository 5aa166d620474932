import { Body, Controller, Get, Inject, Param, Post, Put } from '@nestjs/common';
import { policyFromRow } from '@epoch/db';
import {
  ZCalibrationRequest,
  ZGradingPolicy,
  type TCalibrationRequest,
  type TCalibrationState,
  type TExerciseView,
  type TGradingPolicy,
  type TPolicyHistory,
  type TPolicyUpdateResult,
  type TPolicyView,
  type TQueueOutlook,
} from '@epoch/contracts';
import {
  calibrationView,
  liveWorkers,
  policyHistory,
  policyRowOf,
  queueOutlook,
  startCalibration,
  quotaUsage,
  recentThroughput,
  studentSchedule,
  updatePolicy,
  type TGradingDeps,
} from '@epoch/grading';
import { GRADING_DEPS } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, Roles, type AuthContext } from '../auth/auth-context';
import { ZodPipe } from '../http/zod.pipe';
import { studentPolicyView } from '../policies/policy-row';

/**
 * An exercise of a course and its grading policy: read (members), the full policy and its history (staff), changes
 * (admins). Exercise slugs are unique per course: every route names the course.
 */
@Controller('api/courses/:course/exercises')
export class ExercisesController {
  constructor(
    @Inject(GRADING_DEPS) private readonly grading: TGradingDeps,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  /** An exercise of one of the caller's courses, with the live policy's student-visible parts and the quota left. */
  @Get(':slug')
  async exercise(@Caller() caller: AuthContext, @Param('course') course: string, @Param('slug') slug: string): Promise<TExerciseView> {
    const { exercise, role } = await this.access.exercise(caller, course, slug);
    const policy = policyRowOf(exercise);
    return {
      slug: exercise.slug,
      title: exercise.title,
      position: exercise.position,
      courseSlug: exercise.course.slug,
      instructions: exercise.instructions,
      starterCode: exercise.starterCode,
      afterStep: exercise.afterStep,
      policy: studentPolicyView(policy),
      quota:
        role === 'STUDENT'
          ? await quotaUsage(this.grading.prisma, caller.userId, exercise.id, policy, new Date(), {
              timeZone: exercise.course.timeZone,
              exception: (await studentSchedule(this.grading.prisma, exercise, caller.userId)).exception,
            })
          : null,
      // The editor's cost preview: the graders alive and the throughput the queue's ETAs use.
      graders: {
        alive: (await liveWorkers(this.grading.redis, this.grading.queuePrefix)).total,
        macsPerSecond: await recentThroughput(this.grading.prisma),
      },
    };
  }

  /**
   * Before Submit: the current wait and the caller's would-be position for a graded submission and a practice run, and
   * whether the queue is congested (the policy's congestionWaitSeconds).
   */
  @Get(':slug/queue')
  async queue(@Caller() caller: AuthContext, @Param('course') course: string, @Param('slug') slug: string): Promise<TQueueOutlook> {
    const { exercise, role } = await this.access.exercise(caller, course, slug);
    return queueOutlook(this.grading, caller.userId, { id: exercise.id, policy: policyRowOf(exercise) }, role);
  }

  /** The full live policy (the course's instructors and admins). */
  @Get(':slug/policy')
  async policy(@Caller() caller: AuthContext, @Param('course') course: string, @Param('slug') slug: string): Promise<TPolicyView> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    const row = policyRowOf(exercise);
    return { exerciseSlug: slug, version: row.version, policy: policyFromRow(row), updatedAt: row.updatedAt.toISOString() };
  }

  /** Every version of the policy, newest first: who changed it, when, and each field's old and new value. */
  @Get(':slug/policy/history')
  async policyHistory(@Caller() caller: AuthContext, @Param('course') course: string, @Param('slug') slug: string): Promise<TPolicyHistory> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    return policyHistory(this.grading.prisma, exercise);
  }

  /**
   * Replaces the policy (admins only). In one transaction: the new version, its history row (who, when, old -> new),
   * an audit entry, and the re-decision of stored PASSED/FAILED results against a changed pass mark.
   */
  @Roles('ADMIN')
  @Put(':slug/policy')
  async updatePolicy(
    @Caller() caller: AuthContext,
    @Param('course') course: string,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZGradingPolicy)) next: TGradingPolicy,
  ): Promise<TPolicyUpdateResult> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    return updatePolicy(this.grading.prisma, exercise, caller.userId, next);
  }

  /**
   * The calibration of the pass mark (staff): the reference solution's latest calibration (per-seed accuracies and their
   * spread; null if none), each wrong variant the exercise lists with its latest one, and the suggestion that weighs them.
   */
  @Get(':slug/calibration')
  async calibration(@Caller() caller: AuthContext, @Param('course') course: string, @Param('slug') slug: string): Promise<TCalibrationState> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    return calibrationView(this.grading.prisma, exercise.id);
  }

  /** Starts a calibration (admins): the reference solution, or the wrong variant named, trained with N seeds, queued below every other run. */
  @Roles('ADMIN')
  @Post(':slug/calibration')
  async calibrate(
    @Caller() caller: AuthContext,
    @Param('course') course: string,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZCalibrationRequest)) body: TCalibrationRequest,
  ): Promise<TCalibrationState> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    await startCalibration(this.grading, { exercise, seeds: body.seeds, userId: caller.userId, variant: body.variant ?? null });
    return calibrationView(this.grading.prisma, exercise.id);
  }
}
