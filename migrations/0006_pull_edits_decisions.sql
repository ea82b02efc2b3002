ALTER TABLE `pulls` ADD `edited_at` integer;--> statement-breakpoint
CREATE INDEX `pulls_requester_resolved` ON `pulls` (`requester_id`,`resolved_at`);