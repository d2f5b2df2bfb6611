import { Module } from '@nestjs/common';

/** Host of the `ConsumedMessages` declarations made with `MessagingModule.forFeature`. */
@Module({})
export class MessagingFeatureModule {}
