-- Best-of-k's extra seeds run as separate low-priority jobs: the seed a result waits for.
ALTER TABLE "results" ADD COLUMN "pendingSeed" INTEGER;
