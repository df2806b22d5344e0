import { retryServerStart } from '../src';

const timedOut = () => new Error('ephemeral server at 127.0.0.1:1 did not start within 5s. Make sure ...');

test('launches again after a start-up timeout and returns the first environment that starts', async () => {
  const start = jest.fn().mockRejectedValueOnce(timedOut()).mockResolvedValueOnce('env');
  await expect(retryServerStart(start)).resolves.toBe('env');
  expect(start).toHaveBeenCalledTimes(2);
});

test('gives up after the last attempt with the start-up error', async () => {
  const start = jest.fn().mockRejectedValue(timedOut());
  await expect(retryServerStart(start, 3)).rejects.toThrow(/did not start within/);
  expect(start).toHaveBeenCalledTimes(3);
});

test('does not retry any other failure', async () => {
  const start = jest.fn().mockRejectedValue(new Error('ephemeral server executable does not exist: /nope'));
  await expect(retryServerStart(start)).rejects.toThrow(/does not exist/);
  expect(start).toHaveBeenCalledTimes(1);
});
