/**
 * Email and password fields, labelled, as every sign-in form in the apps asks for them. `newPassword`
 * (signing up) asks the browser for a new password and says how long it must be (the server's rule).
 */
export function CredentialFields({
  email,
  password,
  onEmail,
  onPassword,
  newPassword = false,
}: {
  email: string;
  password: string;
  onEmail: (value: string) => void;
  onPassword: (value: string) => void;
  newPassword?: boolean;
}) {
  return (
    <>
      <label>
        Email
        <input
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => onEmail(event.target.value)}
        />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          autoComplete={newPassword ? 'new-password' : 'current-password'}
          required
          minLength={newPassword ? 12 : undefined}
          value={password}
          onChange={(event) => onPassword(event.target.value)}
        />
      </label>
    </>
  );
}
