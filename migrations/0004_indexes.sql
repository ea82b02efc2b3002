DROP INDEX `pulls_manager_status`;--> statement-breakpoint
DROP INDEX `pulls_requester_status`;--> statement-breakpoint
CREATE INDEX `pulls_manager_created` ON `pulls` (`manager_id`,`created_at`,`requester_id`);--> statement-breakpoint
CREATE INDEX `pulls_requester_created` ON `pulls` (`requester_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `pulls_open_by_manager` ON `pulls` (`manager_id`,`created_at`,`id`,`status`) WHERE "status" in ('open', 'acknowledged');--> statement-breakpoint
CREATE INDEX `pulls_open_by_requester` ON `pulls` (`requester_id`,`created_at`,`id`,`status`) WHERE "status" in ('open', 'acknowledged');--> statement-breakpoint
CREATE INDEX `pulls_overdue` ON `pulls` (`needed_by`,`manager_id`) WHERE "status" in ('open', 'acknowledged') and "pulls"."overdue_reminded_at" is null and "pulls"."needed_by" is not null;--> statement-breakpoint
CREATE INDEX `pulls_push` ON `pulls` (`push_id`) WHERE "pulls"."push_id" is not null;--> statement-breakpoint
DROP INDEX `pushes_owner`;--> statement-breakpoint
CREATE INDEX `pushes_quarter` ON `pushes` (`quarter`,`manager_id`);--> statement-breakpoint
CREATE INDEX `pushes_owner` ON `pushes` (`owner_id`,`quarter`);--> statement-breakpoint
CREATE INDEX `members_manager` ON `members` (`manager_id`);--> statement-breakpoint
CREATE INDEX `push_updates_author` ON `push_updates` (`author_id`);--> statement-breakpoint
CREATE INDEX `recognitions_recognizer` ON `recognitions` (`recognizer_id`,`created_at`);