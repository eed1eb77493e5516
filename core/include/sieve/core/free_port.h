#pragma once
// A TCP port to listen on, for processes that must agree on one before any of them listens (the ranks
// of a data-parallel run, the tests' servers).

namespace sieve {

// A TCP port of 127.0.0.1 that nothing listens on now: the kernel's choice for port 0, released again.
// Another process may take it before the caller does; callers that can, bind port 0 themselves. Throws
// Error(kIo, "127.0.0.1", ...) when no socket can be bound.
int free_port();

}  // namespace sieve
