-- Meetings created before the holiday rule was stored have none. New meetings store their kind's
-- default (prompts/meeting-kinds.yaml); give the old ones the shipped default of their kind, or of
-- the township schedule they were made from: the township meetings and 主题党日 move to the next
-- working day, every other kind is held as scheduled.
UPDATE "Meeting" SET "holiday" = 'move'
WHERE "holiday" IS NULL
  AND ("kind" IN ('theme-day', 'leadership', 'cadres', 'joint')
       OR ("kind" IS NULL AND "template" IN ('leadership', 'cadres', 'joint')));

UPDATE "Meeting" SET "holiday" = 'keep'
WHERE "holiday" IS NULL;
