import { type Command, NotFoundError } from '@openmdm/sdk';
import type { MDMRequest } from '../../request.js';

/** The command, if the actor's tenant may see it; another tenant's command is not found. */
export async function visibleCommand(request: MDMRequest, id: string): Promise<Command> {
  const command = await request.mdm.commands.get(id);
  if (request.tenantId && command.tenantId !== request.tenantId) throw new NotFoundError('command', id);
  return command;
}
