// The pages a problem's `type` points to: GET /problems/validation-failed explains the code, its
// status and its meaning in English and Chinese; GET /problems lists every code. Public, as the
// problems themselves reach callers without a token.
import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from './auth.js';
import { PublicEndpoint } from './openapi.js';
import { codeOfProblemSlug, problemPathOf, statusOf, titleEn, titleZh, problemOf, type ApiErrorCode } from './problem.js';
import { ApiError } from './problem.filter.js';

export interface ProblemPage {
  readonly type: string;
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly title: string;
  readonly titleZh: string;
}

function pageOf(code: ApiErrorCode): ProblemPage {
  return { type: problemPathOf(code), code, status: statusOf[code], title: titleEn[code], titleZh: titleZh[code] };
}

@ApiTags('problems')
@Controller('problems')
@Public()
export class ProblemsController {
  @Get()
  @PublicEndpoint({ id: 'listProblemTypes', summary: 'Every error code, its status and meaning / 全部错误代码', status: 200 })
  list(): ProblemPage[] {
    return (Object.keys(statusOf) as ApiErrorCode[]).map(pageOf);
  }

  @Get(':slug')
  @PublicEndpoint({ id: 'getProblemType', summary: "What an error's `type` means / 错误代码说明", status: 200 })
  one(@Param('slug') slug: string): ProblemPage {
    const code = codeOfProblemSlug(slug);
    if (code === undefined) throw new ApiError(problemOf('NOT_FOUND', `no error code is called ${slug.slice(0, 64)}`, { id: slug.slice(0, 64) }));
    return pageOf(code);
  }
}
