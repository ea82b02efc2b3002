CREATE TABLE `agreements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text,
	`pull_id` integer,
	`requester_id` text NOT NULL,
	`manager_id` text NOT NULL,
	`push_id` integer,
	`stage` text DEFAULT 'repeat' NOT NULL,
	`success` text NOT NULL,
	`by_when` text,
	`guardrails` text,
	`own_words` text,
	`approach` text,
	`not_quite_note` text,
	`rounds` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`agreed_at` integer,
	`requester_channel` text,
	`requester_ts` text,
	`confirm_channel` text,
	`confirm_ts` text,
	FOREIGN KEY (`pull_id`) REFERENCES `pulls`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`push_id`) REFERENCES `pushes`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agreements_pull` ON `agreements` (`pull_id`);--> statement-breakpoint
CREATE INDEX `agreements_requester` ON `agreements` (`requester_id`,`agreed_at`);--> statement-breakpoint
CREATE INDEX `agreements_manager` ON `agreements` (`manager_id`,`agreed_at`);--> statement-breakpoint
CREATE INDEX `agreements_push` ON `agreements` (`push_id`,`agreed_at`) WHERE "agreements"."push_id" is not null;--> statement-breakpoint
CREATE INDEX `agreements_agreed` ON `agreements` (`agreed_at`);