import { Module } from '@nestjs/common';
import { MailChangesController } from './mail-changes.controller';

/**
 * `POST /sandbox/mail-changes` for the standalone server: needs the process's event bus and database (the
 * sandbox app alone has neither), so it is a module of its own.
 */
@Module({ controllers: [MailChangesController] })
export class SandboxMailModule {}
