'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TCreatedUser, TRosterImportResult } from '@epoch/contracts';
import { postJson } from '../lib/browser-api';
import { failure, Outcome, type TOutcome } from './form-outcome';

export function CreateUserForm({ csrfToken }: { csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    const password = String(d.get('password') ?? '');
    try {
      const u = await postJson<TCreatedUser>(
        '/api/admin/users',
        { email: String(d.get('email') ?? ''), name: String(d.get('name') ?? ''), role: String(d.get('role') ?? 'STUDENT'), ...(password ? { password } : {}) },
        { csrfToken },
      );
      setOutcome({
        ok: true,
        text: `Created ${u.email} (${u.role.toLowerCase()}).${u.initialPassword ? ` Initial password, shown only now: ${u.initialPassword}` : ''}`,
        lines: [],
      });
      form.reset();
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <form
      className="card form"
      onSubmit={(e) => {
        submit(e).catch(() => undefined);
      }}
      aria-labelledby="create-user-title"
    >
      <h2 id="create-user-title">Create a user</h2>
      <label htmlFor="u-email">Email</label>
      <input id="u-email" name="email" type="email" required />
      <label htmlFor="u-name">Name</label>
      <input id="u-name" name="name" required />
      <label htmlFor="u-role">Role</label>
      <select id="u-role" name="role" defaultValue="STUDENT">
        <option value="STUDENT">Student</option>
        <option value="INSTRUCTOR">Instructor</option>
        <option value="ADMIN">Admin</option>
      </select>
      <label htmlFor="u-password">Password (blank: generate one)</label>
      <input id="u-password" name="password" type="password" autoComplete="new-password" />
      <Outcome outcome={outcome} id="create-user-outcome" />
      <button type="submit" className="primary">
        Create user
      </button>
    </form>
  );
}

export function RosterImport({ csrfToken }: { csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<TOutcome>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const csv = String(new FormData(e.currentTarget).get('csv') ?? '');
    try {
      const r = await postJson<TRosterImportResult>('/api/admin/users/import', { csv }, { csrfToken });
      setOutcome({
        ok: true,
        text: `Imported ${r.created.length} user${r.created.length === 1 ? '' : 's'}.`,
        lines: r.created.map((u) => `${u.email}${u.course ? ` → ${u.course}` : ''}${u.initialPassword ? `: initial password ${u.initialPassword}` : ''}`),
      });
      router.refresh();
    } catch (err) {
      setOutcome(failure(err));
    }
  };
  return (
    <form
      className="card form"
      onSubmit={(e) => {
        submit(e).catch(() => undefined);
      }}
      aria-labelledby="roster-title"
    >
      <h2 id="roster-title">Import a roster (CSV)</h2>
      <label htmlFor="roster-csv">
        Columns: <code>email,name</code>, optional <code>role,password,course</code>; all rows or none are imported
      </label>
      <textarea id="roster-csv" name="csv" rows={6} required placeholder={'email,name,role,course\nada@example.org,Ada Lovelace,STUDENT,cifar10-intro'} />
      <Outcome outcome={outcome} id="roster-outcome" />
      <button type="submit" className="primary">
        Import
      </button>
    </form>
  );
}
