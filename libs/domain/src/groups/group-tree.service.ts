import { Injectable } from '@nestjs/common';
import { GroupTreeError } from '../errors/domain-error.js';
import type { GroupEntity } from './group.entity.js';
import { DuplicateSiblingNameError, GroupRepository } from './group.repository.js';

export interface GroupNode {
  id: string;
  name: string;
  parentId: string | null;
  createdAt: Date;
  children: GroupNode[];
}

@Injectable()
export class GroupTreeService {
  constructor(private readonly groups: GroupRepository) {}

  async create(input: { name: string; parentId?: string | null }): Promise<GroupEntity> {
    const name = input.name.trim();
    const parentId = input.parentId ?? null;
    if (parentId !== null && !(await this.groups.exists(parentId))) {
      throw new GroupTreeError('GROUP_PARENT_NOT_FOUND', `parent group ${parentId} does not exist`, {
        field: 'parentId',
        parentId,
      });
    }
    try {
      return await this.groups.insert({ name, parentId });
    } catch (error) {
      if (error instanceof DuplicateSiblingNameError) {
        throw new GroupTreeError(
          'GROUP_DUPLICATE_SIBLING',
          `a group named "${name}" already exists under the same parent`,
          { field: 'name', name, parentId },
        );
      }
      throw error;
    }
  }

  /** The whole forest, roots first, siblings by name. */
  async tree(): Promise<GroupNode[]> {
    const rows = await this.groups.findAll();
    const nodes = new Map<string, GroupNode>();
    for (const row of rows) nodes.set(row.id, { ...row, children: [] });
    const roots: GroupNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
      (parent ? parent.children : roots).push(node);
    }
    return roots;
  }
}
