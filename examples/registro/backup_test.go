package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openregistro/registro/questionnaire"
	"github.com/openregistro/registro/registry"
	"github.com/openregistro/registro/registry/sqlstore"
)

// TestBackupRestoreVerify: backup, verify the file, restore into a new
// database, verify it; a tampered copy fails verify (exit 1); a used target
// and a missing database are refused and nothing is created.
func TestBackupRestoreVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := "sqlite:" + filepath.Join(dir, "src.db")
	s, err := sqlstore.Open(ctx, src, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := registry.Entity{ID: "E1", CodiceFiscale: "90000000001", Name: "Associazione", Seat: registry.Address{Region: "12"}}
	after, _ := json.Marshal(e)
	at := time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)
	if _, err := s.Commit(ctx, registry.Batch{Entities: []registry.Entity{e}, Events: []registry.Event{
		{At: at, Actor: "t", Kind: registry.EventEntityCreated, EntityID: "E1", RecordID: "E1", After: after}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Filings().PutWithEvents(ctx, questionnaire.Filing{BodyTaxCode: e.CodiceFiscale, Year: 2024, Revision: 1, FiledAt: at,
		FilerTaxCode: "RSSMRA80A01H501U", Document: []byte(`{}`)}, []registry.Event{
		{At: at, Actor: "t", Kind: registry.EventReportFiled, EntityID: "E1", RecordID: "E1/2024/1", After: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	call := func(f func(*env) int) (int, string, string) {
		var out, errb bytes.Buffer
		code := f(&env{stdout: &out, stderr: &errb})
		return code, out.String(), errb.String()
	}
	backup := filepath.Join(dir, "registro.backup")
	code, out, msg := call(func(e *env) int { return backupDB(ctx, e, src, backup) })
	var info sqlstore.BackupInfo
	if code != exitOK || json.Unmarshal([]byte(out), &info) != nil || info.LastEventSeq != 2 || info.Rows["filings"] != 1 {
		t.Fatalf("backup: exit %d %s %s", code, out, msg)
	}
	if code, _, _ := call(func(e *env) int { return backupDB(ctx, e, src, backup) }); code == exitOK {
		t.Fatal("a backup over an existing file succeeded")
	}
	if code, out, msg := call(func(e *env) int { return verifyDB(ctx, e, "sqlite:"+backup, "text") }); code != exitOK || out != "" {
		t.Fatalf("verify the backup file: exit %d %s %s", code, out, msg)
	}
	restored := "sqlite:" + filepath.Join(dir, "restored.db")
	if code, _, msg := call(func(e *env) int { return restoreDB(ctx, e, backup, restored) }); code != exitOK {
		t.Fatalf("restore: exit %d %s", code, msg)
	}
	if code, _, msg := call(func(e *env) int { return restoreDB(ctx, e, backup, restored) }); code == exitOK || !strings.Contains(msg, "not empty") {
		t.Fatalf("restore into a used database: exit %d %s", code, msg)
	}
	if code, _, msg := call(func(e *env) int { return verifyDB(ctx, e, restored, "json") }); code != exitOK {
		t.Fatalf("verify the restored database: exit %d %s", code, msg)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "restored.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM events WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, out, _ := call(func(e *env) int { return verifyDB(ctx, e, restored, "text") }); code != exitFindings || !strings.Contains(out, "questionnaire.filed") {
		t.Fatalf("verify a tampered database: exit %d %s", code, out)
	}
	missing := filepath.Join(dir, "typo.db")
	if code, _, msg := call(func(e *env) int { return verifyDB(ctx, e, "sqlite:"+missing, "text") }); code == exitOK || !strings.Contains(msg, "does not exist") {
		t.Fatalf("verify a missing database: exit %d %s", code, msg)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatal("verify created the missing database")
	}
}
