/** Connection details the global setup put into the environment. */
export function testDatabaseUrl(): string {
  const url = process.env.TRELLIS_TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'TRELLIS_TEST_DATABASE_URL is unset: run integration tests through jest --selectProjects integration',
    );
  return url;
}

export function testTemporalAddress(): string {
  const address = process.env.TRELLIS_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('TRELLIS_TEST_TEMPORAL_ADDRESS is unset: run through jest --selectProjects integration');
  return address;
}

/** The PyPI time-skipping test server that scripts/setup.mjs installs. */
export function timeSkippingServerPath(): string {
  return process.env.TEMPORAL_TEST_SERVER_PATH ?? `${process.cwd()}/.tools/python/bin/temporal-test-server`;
}
