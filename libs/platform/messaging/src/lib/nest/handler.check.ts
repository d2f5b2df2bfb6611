import type { AnyMessageContract } from '../contracts/message.contract';
import { assertConsumerGroupName } from '../core/consumer-group.name';

/** A handler or a declaration, located for the error message (`DispatchConsumer.onMailChanged`). */
export interface HandlerSite {
  readonly group: string;
  readonly contract: AnyMessageContract;
  readonly where: string;
}

/**
 * Everything wrong with a set of handlers and "consumes" declarations: more than one handler for a type in
 * one group, a declared type without a handler (or with a handler of another version), a bad group name.
 */
export function findHandlerProblems(handlers: readonly HandlerSite[], declared: readonly HandlerSite[]): string[] {
  const problems: string[] = [];
  const groups = new Set([...handlers, ...declared].map((site) => site.group));
  for (const group of groups) {
    try {
      assertConsumerGroupName(group);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }

  const byKey = new Map<string, HandlerSite[]>();
  for (const handler of handlers) {
    const key = `${handler.group}\u0000${handler.contract.type}`;
    byKey.set(key, [...(byKey.get(key) ?? []), handler]);
  }
  for (const sites of byKey.values()) {
    const [first] = sites;
    if (first === undefined || sites.length < 2) continue;
    problems.push(
      `message type "${first.contract.type}" has ${sites.length} handlers in consumer group "${first.group}": ` +
        `${sites.map((s) => s.where).join(', ')} (a group needs exactly one; give the others their own group)`,
    );
  }

  for (const declaration of declared) {
    const sites = byKey.get(`${declaration.group}\u0000${declaration.contract.type}`) ?? [];
    if (sites.length === 0) {
      problems.push(
        `message type "${declaration.contract.type}" is declared as consumed by consumer group "${declaration.group}" ` +
          `(${declaration.where}) but no @HandleMessage handler takes it in that group`,
      );
    } else if (sites.every((s) => s.contract.version !== declaration.contract.version)) {
      problems.push(
        `message type "${declaration.contract.type}" is declared as consumed by consumer group "${declaration.group}" ` +
          `in v${declaration.contract.version} (${declaration.where}) but handled in ` +
          `${sites.map((s) => `v${s.contract.version} by ${s.where}`).join(', ')}`,
      );
    }
  }
  return problems;
}
