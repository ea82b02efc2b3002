CREATE INDEX `digest_claims_week` ON `digest_claims` (`week`,`status`);--> statement-breakpoint
CREATE INDEX `members_timezone` ON `members` (`timezone`);--> statement-breakpoint
CREATE INDEX `members_profile_fetched` ON `members` (`profile_fetched_at`);