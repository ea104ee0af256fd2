#include "rollback_chain.hpp"

#include <doctest/doctest.h>

namespace itest {

void rollback_from_each_phase(const RollbackChain& chain) {
  // The database the plan moves on in, a phase at a time; each rollback runs in a copy of it.
  TestDb db(chain.tag + "_rb", chain.rows);
  chain.start(db);
  example::WriterOptions options = chain.writer;
  Writes written; // committed by the moving database's writers
  for (int phases = 1; phases <= 4; ++phases) {
    CAPTURE(phases);
    merge_writes(written, next_under_writer(db, options, 1, chain.next_args));
    db.end_sessions();
    TestDb back(db.name() + std::to_string(phases) + "_back", TestDb::CopyOf{db.name()});
    options.url = back.url();
    example::Writer app(options);
    app.start(example::Version::old_app);
    wait_for_writes(app, 5);
    auto r = back.orchestrate({"rollback"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    wait_for_writes(app, 5); // writes after the rollback, compared with the others
    check_writes(app, options, chain.columns, written);
    chain.check(back, phases);
  }
}

} // namespace itest
