import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { READINESS_CHECKS, runReadinessChecks, type ReadinessCheck } from './readiness.js';

class LivenessDto {
  @ApiProperty({ example: 'ok' })
  status!: string;
}

class ReadinessDto {
  @ApiProperty({
    enum: ['ready', 'degraded', 'not ready'],
    description:
      'degraded: joins work (200) but an optional dependency is down, e.g. LiveKit (voice unavailable).',
  })
  status!: string;

  @ApiProperty({
    description: 'Each dependency and "ok" or why it is unavailable.',
    example: { database: 'ok', presence: 'ok' },
    additionalProperties: { type: 'string' },
  })
  checks!: Record<string, string>;
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** Liveness: the process is up and serving HTTP. */
  @Get('healthz')
  @ApiOkResponse({ type: LivenessDto })
  healthz(): LivenessDto {
    return { status: 'ok' };
  }

  /** Readiness: the database and room presence answer, so joins can succeed. */
  @Get('readyz')
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: ReadinessDto })
  async readyz(@Res({ passthrough: true }) res: Response): Promise<ReadinessDto> {
    const result = await runReadinessChecks(this.checks);
    if (!result.ready) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    const status = !result.ready ? 'not ready' : result.degraded ? 'degraded' : 'ready';
    return { status, checks: result.checks };
  }
}
