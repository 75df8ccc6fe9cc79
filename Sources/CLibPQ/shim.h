// libpq, PostgreSQL's own client library: the PostgreSQL probe database's connection.
// Nothing to wrap (no variadic functions or macros are used); the header only locates it.
#ifndef CDNTOP_CLIBPQ_SHIM_H
#define CDNTOP_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
