ALTER TABLE `members` ADD `away_until` text;--> statement-breakpoint
ALTER TABLE `members` ADD `away_deputy_id` text;--> statement-breakpoint
ALTER TABLE `members` ADD `away_since` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `autonomy_granted_at` integer;--> statement-breakpoint
CREATE INDEX `members_away` ON `members` (`away_until`) WHERE "members"."away_until" is not null;--> statement-breakpoint
CREATE INDEX `members_deputy` ON `members` (`away_deputy_id`) WHERE "members"."away_deputy_id" is not null;--> statement-breakpoint
ALTER TABLE `pulls` ADD `away_from_id` text;--> statement-breakpoint
CREATE INDEX `pulls_away_from` ON `pulls` (`away_from_id`,`created_at`) WHERE "pulls"."away_from_id" is not null;