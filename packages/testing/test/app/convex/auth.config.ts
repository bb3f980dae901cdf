// A custom JWT provider, as an app with its own identity service configures it.
export default {
  providers: [
    { type: 'customJwt', issuer: 'https://auth.fixture.test', applicationID: 'fixture-app', jwks: 'https://auth.fixture.test/.well-known/jwks.json', algorithm: 'RS256' },
  ],
}
