-- CreateTable
CREATE TABLE "JoinCode" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "issuedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JoinCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JoinAttempt" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JoinAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "JoinCode_codeHash_key" ON "JoinCode"("codeHash");

-- CreateIndex
CREATE INDEX "JoinCode_memberId_idx" ON "JoinCode"("memberId");

-- CreateIndex
CREATE INDEX "JoinAttempt_platform_externalId_at_idx" ON "JoinAttempt"("platform", "externalId", "at");

-- Audit rows are never changed or deleted (only a removed member's link may be cleared).
CREATE FUNCTION "AuditLog_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit rows are never changed or deleted';
END;
$$;
CREATE TRIGGER "AuditLog_no_update" BEFORE UPDATE OF "action", "detail", "createdAt" ON "AuditLog"
FOR EACH ROW EXECUTE FUNCTION "AuditLog_append_only"();
CREATE TRIGGER "AuditLog_no_delete" BEFORE DELETE ON "AuditLog"
FOR EACH ROW EXECUTE FUNCTION "AuditLog_append_only"();
