"use client";
import { useActionState } from "react";
import { type SignInState, signIn } from "@/app/actions";

export function SignInForm() {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, {});
  return (
    <form action={action} className="flex flex-col gap-3">
      <label htmlFor="name" className="text-sm font-medium">
        Display name
      </label>
      <input
        id="name"
        name="name"
        defaultValue={state.name}
        autoComplete="nickname"
        maxLength={32}
        required
        aria-invalid={state.error ? true : undefined}
        aria-describedby={state.error ? "name-error" : undefined}
        className="rounded-lg border border-zinc-300 bg-white px-3 py-2 dark:border-zinc-700 dark:bg-zinc-900"
      />
      {state.error && (
        <p id="name-error" role="alert" className="text-sm text-red-600 dark:text-red-400">
          {state.error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg bg-blue-600 px-4 py-2 font-medium text-white hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50"
      >
        Join
      </button>
    </form>
  );
}
