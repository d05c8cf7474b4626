-- CreateIndex
CREATE INDEX "PollAnonBallot_pollId_choices_score_idx" ON "PollAnonBallot"("pollId", "choices", "score");

-- CreateIndex
CREATE INDEX "PollBallot_pollId_choices_score_idx" ON "PollBallot"("pollId", "choices", "score");
