import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import type { AnyMessageContract } from '../contracts/message.contract';
import { EventBus, type MessageHandler } from '../port/event-bus.port';
import { HandlerRegistrationError } from '../port/handler-registration.error';
import { ConsumedMessages } from './consumed-messages.declaration';
import { messageHandlersOf } from './handle-message.decorator';
import { findHandlerProblems, type HandlerSite } from './handler.check';
import { MessagingSettings } from './messaging.settings';

interface DiscoveredHandler extends HandlerSite {
  readonly handler: MessageHandler<unknown>;
}

/**
 * At boot: finds every `@HandleMessage` method on the app's providers, refuses to start when a type has more
 * than one handler in a group or a declared type has none (listing every offender), subscribes the
 * handlers and starts the bus. Runs in `onApplicationBootstrap` of a global module, which Nest calls before
 * the other modules', so the bus is up when their bootstrap hooks publish.
 */
@Injectable()
export class MessageHandlerExplorer implements OnApplicationBootstrap {
  private readonly logger = new Logger(MessageHandlerExplorer.name);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(MessagingSettings) private readonly settings: MessagingSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const problems: string[] = [];
    const handlers = this.discoverHandlers(problems);
    problems.push(...findHandlerProblems(handlers, this.discoverDeclarations()));
    if (problems.length > 0) throw new HandlerRegistrationError(problems);

    for (const { contract, handler, group } of handlers) {
      await this.bus.subscribe(contract, handler, { group });
    }
    await this.bus.start();
    if (handlers.length > 0) {
      const groups = [...new Set(handlers.map((h) => h.group))];
      this.logger.log(`${handlers.length} message handler(s) consuming in ${groups.join(', ')}`);
    }
  }

  private discoverHandlers(problems: string[]): DiscoveredHandler[] {
    const found: DiscoveredHandler[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      const prototype = this.prototypeOf(wrapper, instance);
      if (prototype === undefined) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method: unknown = (prototype as Record<string, unknown>)[methodName];
        const declarations = messageHandlersOf(method);
        if (declarations.length === 0 || typeof method !== 'function') continue;
        const owner = (prototype.constructor as { name?: string } | undefined)?.name ?? String(wrapper.name);
        const where = `${owner}.${methodName}`;
        if (
          !wrapper.isDependencyTreeStatic() ||
          wrapper.isTransient ||
          typeof instance !== 'object' ||
          instance === null
        ) {
          problems.push(
            `${where}: message handlers must be on singleton providers (this one is request-scoped or transient)`,
          );
          continue;
        }
        for (const { contract, group } of declarations) {
          const handler: MessageHandler<unknown> = (payload, message) =>
            (method as (...args: unknown[]) => Promise<void> | void).call(instance, payload, message);
          found.push({ contract, group: group ?? this.settings.defaultGroup, where, handler });
        }
      }
    }
    return found;
  }

  private prototypeOf(wrapper: InstanceWrapper, instance: unknown): object | undefined {
    if (typeof instance === 'object' && instance !== null) {
      const prototype: unknown = Object.getPrototypeOf(instance);
      return typeof prototype === 'object' && prototype !== null ? prototype : undefined;
    }
    // Request-scoped providers have no static instance; look at the class to report them.
    const metatype: unknown = wrapper.metatype;
    if (typeof metatype === 'function' && wrapper.inject === undefined) {
      const prototype: unknown = (metatype as { prototype?: unknown }).prototype;
      return typeof prototype === 'object' && prototype !== null ? prototype : undefined;
    }
    return undefined;
  }

  private discoverDeclarations(): HandlerSite[] {
    const sites: HandlerSite[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof ConsumedMessages)) continue;
      const where = `MessagingModule.forFeature in ${wrapper.host?.name ?? 'a module'}`;
      for (const contract of instance.contracts as readonly AnyMessageContract[]) {
        sites.push({ contract, group: instance.group ?? this.settings.defaultGroup, where });
      }
    }
    return sites;
  }
}
