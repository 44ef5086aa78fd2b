import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { GroupEntity } from './group.entity.js';

const UNIQUE_VIOLATION = '23505';

export class DuplicateSiblingNameError extends Error {}

@Injectable()
export class GroupRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(GroupEntity).exists({ where: { id } });
  }

  /** Inserts a group; a name already taken by a sibling raises DuplicateSiblingNameError. */
  async insert(group: { name: string; parentId: string | null }): Promise<GroupEntity> {
    try {
      const rows: GroupEntity[] = await this.dataSource.query(
        `INSERT INTO groups (parent_id, name) VALUES ($1, $2)
         RETURNING id, parent_id AS "parentId", name, created_at AS "createdAt"`,
        [group.parentId, group.name],
      );
      return rows[0]!;
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
      ) {
        throw new DuplicateSiblingNameError();
      }
      throw error;
    }
  }

  async findAll(): Promise<GroupEntity[]> {
    return this.dataSource.getRepository(GroupEntity).find({ order: { name: 'ASC' } });
  }
}
