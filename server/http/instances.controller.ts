import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { matchMaker } from '@colyseus/core';
import { RoomName } from '../../protocol/index.js';
import { WorldsRepository } from '../db/index.js';
import type { InstanceMetadata } from '../rooms/world-room.js';

class InstanceDto {
  @ApiProperty({ description: 'Instance number within the world (1, 2, …).' })
  instance!: number;

  @ApiProperty({ description: 'Room id: join this instance with the SDK’s joinById (an invite link).' })
  roomId!: string;

  @ApiProperty({ description: 'Visitors in the instance now.' })
  clients!: number;

  @ApiProperty()
  maxClients!: number;
}

class WorldInstancesDto {
  @ApiProperty()
  world!: string;

  @ApiProperty({ type: [InstanceDto] })
  instances!: InstanceDto[];

  @ApiProperty({ description: 'Visitors across all instances.' })
  population!: number;
}

@ApiTags('worlds')
@Controller('worlds')
export class InstancesController {
  constructor(@Inject(WorldsRepository) private readonly worlds: WorldsRepository) {}

  /** Live instances of a world across every process, with their population. */
  @Get(':slug/instances')
  @ApiOkResponse({ type: WorldInstancesDto })
  @ApiNotFoundResponse({ description: 'No world has this slug.' })
  async list(@Param('slug') slug: string): Promise<WorldInstancesDto> {
    if (!(await this.worlds.findBySlug(slug))) throw new NotFoundException(`world "${slug}" does not exist`);
    const rooms = await matchMaker.query({ name: RoomName.world });
    const instances = rooms
      .filter((room) => (room.metadata as InstanceMetadata | undefined)?.world === slug)
      .map((room) => ({
        instance: (room.metadata as InstanceMetadata).instance,
        roomId: room.roomId,
        clients: room.clients,
        maxClients: room.maxClients,
      }))
      .sort((a, b) => a.instance - b.instance);
    return { world: slug, instances, population: instances.reduce((sum, i) => sum + i.clients, 0) };
  }
}
