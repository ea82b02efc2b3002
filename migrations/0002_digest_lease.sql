ALTER TABLE `digest_claims` ADD `lease_until` integer;--> statement-breakpoint
ALTER TABLE `digest_claims` ADD `message_ts` text;