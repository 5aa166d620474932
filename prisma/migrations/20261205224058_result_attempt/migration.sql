-- A result's epoch history is stored once, as the EpochMetric rows of the attempt that produced it: results record
-- that attempt instead of carrying a JSON copy of the history.
ALTER TABLE "results" ADD COLUMN "attempt" INTEGER;

UPDATE "results" r SET "attempt" = GREATEST(s."attemptCount", 1) FROM "submissions" s WHERE s."id" = r."submissionId";

-- Nothing stored is lost: epochs that a result's JSON history has and epoch_metrics lacks are copied there first.
INSERT INTO "epoch_metrics" ("id", "submissionId", "attempt", "epoch", "loss", "accuracy", "valLoss", "valAccuracy", "seconds")
SELECT 'mig' || md5(r."id" || ':' || (e->>'epoch')), r."submissionId", r."attempt", (e->>'epoch')::int, (e->>'loss')::float8,
       (e->>'accuracy')::float8, (e->>'valLoss')::float8, (e->>'valAccuracy')::float8, (e->>'seconds')::float8
FROM "results" r
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(r."history") = 'array' THEN r."history" ELSE '[]'::jsonb END) AS e
WHERE jsonb_typeof(e) = 'object' AND e ? 'epoch' AND e ? 'loss' AND e ? 'accuracy' AND e ? 'seconds'
ON CONFLICT ("submissionId", "attempt", "epoch") DO NOTHING;

ALTER TABLE "results" ALTER COLUMN "attempt" SET NOT NULL;
ALTER TABLE "results" DROP COLUMN "history";
