CREATE TABLE `digest_claims` (
	`manager_id` text NOT NULL,
	`week` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`claimed_by` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`sent_at` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `digest_claims_manager_week` ON `digest_claims` (`manager_id`,`week`);--> statement-breakpoint
CREATE TABLE `members` (
	`user_id` text PRIMARY KEY NOT NULL,
	`team_id` text,
	`manager_id` text,
	`display_name` text,
	`timezone` text,
	`is_bot` integer DEFAULT false NOT NULL,
	`profile_fetched_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pulls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text,
	`requester_id` text NOT NULL,
	`manager_id` text NOT NULL,
	`need` text NOT NULL,
	`context` text,
	`kind` text DEFAULT 'decision' NOT NULL,
	`needed_by` text,
	`push_id` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`resolution` text,
	`resolution_note` text,
	`created_at` integer NOT NULL,
	`acknowledged_at` integer,
	`resolved_at` integer,
	`withdrawn_at` integer,
	`manager_channel` text,
	`manager_ts` text,
	`overdue_reminded_at` integer,
	FOREIGN KEY (`push_id`) REFERENCES `pushes`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `pulls_manager_status` ON `pulls` (`manager_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `pulls_requester_status` ON `pulls` (`requester_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `pulls_resolved` ON `pulls` (`manager_id`,`resolved_at`);--> statement-breakpoint
CREATE TABLE `push_updates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`push_id` integer NOT NULL,
	`author_id` text NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`push_id`) REFERENCES `pushes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `push_updates_push` ON `push_updates` (`push_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `pushes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text,
	`manager_id` text NOT NULL,
	`quarter` text NOT NULL,
	`title` text NOT NULL,
	`why` text,
	`guardrails` text,
	`success` text,
	`owner_id` text NOT NULL,
	`support` text,
	`status` text DEFAULT 'on-track' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`closed_at` integer
);
--> statement-breakpoint
CREATE INDEX `pushes_manager_quarter` ON `pushes` (`manager_id`,`quarter`);--> statement-breakpoint
CREATE INDEX `pushes_owner` ON `pushes` (`owner_id`);--> statement-breakpoint
CREATE TABLE `recognitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` text,
	`recognizer_id` text NOT NULL,
	`advocate_id` text NOT NULL,
	`advocate_function` text NOT NULL,
	`what` text NOT NULL,
	`project` text,
	`permalink` text,
	`shared` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `recognitions_advocate` ON `recognitions` (`advocate_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `recognitions_time` ON `recognitions` (`created_at`);