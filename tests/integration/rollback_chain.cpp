#include "rollback_chain.hpp"

#include <doctest/doctest.h>

namespace itest {

void rollback_from_each_phase(const RollbackChain& chain) {
  const auto at = [&](int phases) { return chain.tag + "_rb" + std::to_string(phases); };
  {
    TestDb db(at(0), chain.rows);
    chain.start(db);
  }
  example::WriterOptions options = chain.writer;
  Writes written; // committed by the writers of the phases' databases
  for (int phases = 1; phases <= 4; ++phases) {
    CAPTURE(phases);
    {
      TestDb db(at(phases), TestDb::CopyOf{at(phases - 1)});
      merge_writes(written, next_under_writer(db, options, 1, chain.next_args));
    }
    TestDb db(at(phases) + "_back", TestDb::CopyOf{at(phases)});
    options.url = db.url();
    example::Writer app(options);
    app.start(example::Version::old_app);
    wait_for_writes(app, 5);
    auto r = db.orchestrate({"rollback"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    wait_for_writes(app, 5); // writes after the rollback, compared with the others
    check_writes(app, options, chain.columns, written);
    chain.check(db, phases);
  }
}

} // namespace itest
