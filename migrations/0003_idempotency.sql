CREATE TABLE `requests_seen` (
	`key` text PRIMARY KEY NOT NULL,
	`created_id` integer,
	`seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `requests_seen_time` ON `requests_seen` (`seen_at`);--> statement-breakpoint
ALTER TABLE `pulls` ADD `manager_dm_unknown_at` integer;