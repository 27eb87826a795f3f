'use client';
/**
 * Classroom tokens this browser holds (localStorage): per assignment, the student's token and fork, or the
 * teacher's token. Like edit tokens, they never go into URLs the server sees (the teacher link uses the fragment).
 */
export interface StudentRecord {
  studentToken: string;
  studentId: string;
  displayName: string;
  graphId: string;
}

const STUDENT_KEY = 'graft:assignmentStudents';
const TEACHER_KEY = 'graft:assignmentTeachers';

function read<T>(key: string): Record<string, T> {
  if (typeof window === 'undefined') return {};
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(key) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, T>) : {};
  } catch {
    return {};
  }
}

function write<T>(key: string, id: string, value: T | null): void {
  const all = read<T>(key);
  if (value === null) delete all[id];
  else all[id] = value;
  window.localStorage.setItem(key, JSON.stringify(all));
}

export function getStudentRecord(assignmentId: string): StudentRecord | null {
  const r = read<StudentRecord>(STUDENT_KEY)[assignmentId];
  return r && typeof r.studentToken === 'string' && typeof r.graphId === 'string' ? r : null;
}

export function setStudentRecord(assignmentId: string, record: StudentRecord | null): void {
  write(STUDENT_KEY, assignmentId, record);
}

export function getTeacherToken(assignmentId: string): string | null {
  const t = read<string>(TEACHER_KEY)[assignmentId];
  return typeof t === 'string' ? t : null;
}

export function setTeacherToken(assignmentId: string, token: string): void {
  write(TEACHER_KEY, assignmentId, token);
}

/** `#token=...` of the teacher link (the fragment is never sent to the server). */
export function tokenFromFragment(hash: string): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]{43})(?:&|$)/.exec(hash);
  return m ? m[1]! : null;
}
