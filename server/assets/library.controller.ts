import { Controller, Delete, Get, HttpCode, Inject, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Caller, Fails, Returns, ZodBody, ZodParam, type Principal } from '../control-plane/index.js';
import { ZodQuery } from '../control-plane/api/zod-api.js';
import { AssetLibrary } from './asset-library.js';
import {
  libraryEntrySchema,
  libraryIdSchema,
  libraryPageSchema,
  libraryQuery,
  libraryUpdate,
} from './asset-schemas.js';

/** The asset library: uploads by name, owner, organization, world and tag (see asset-library.ts). */
@ApiTags('library')
@ApiBearerAuth()
@Controller('library')
export class LibraryController {
  constructor(@Inject(AssetLibrary) private readonly library: AssetLibrary) {}

  /**
   * Library assets, newest first: a world's (its editors), an organization's (its members) or, with
   * neither, your own uploads. Search by name, filter by profile and tag; page with `cursor`.
   */
  @Get()
  @Returns(200, libraryPageSchema)
  @Fails(400, 401, 403, 404)
  list(@Caller() caller: Principal, @ZodQuery(libraryQuery) query: z.output<typeof libraryQuery>) {
    return this.library.list(caller, query);
  }

  @Get(':id')
  @Returns(200, libraryEntrySchema)
  @Fails(401, 404)
  get(@Caller() caller: Principal, @ZodParam('id', libraryIdSchema) id: string) {
    return this.library.get(caller, id);
  }

  /** Rename, retag, or move to (or out of) a world's library. */
  @Patch(':id')
  @Returns(200, libraryEntrySchema)
  @Fails(400, 401, 403, 404)
  update(
    @Caller() caller: Principal,
    @ZodParam('id', libraryIdSchema) id: string,
    @ZodBody(libraryUpdate) change: z.output<typeof libraryUpdate>,
  ) {
    return this.library.update(caller, id, change);
  }

  /** Removes the entry; refused (409, naming them) while a draft or published version uses the asset. */
  @Delete(':id')
  @HttpCode(204)
  @Returns(204, undefined, 'Removed from the library')
  @Fails(401, 403, 404, 409)
  async remove(@Caller() caller: Principal, @ZodParam('id', libraryIdSchema) id: string) {
    await this.library.remove(caller, id);
  }
}
