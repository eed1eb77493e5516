// sieve normalize: print posts as every later stage reads them.

#include <memory>

#include "command.h"
#include "file_io.h"
#include "normalizer_options.h"
#include "post_reader.h"
#include "sieve/core/json_writer.h"
#include "sieve/tokenizer/script_hint.h"

namespace sieve::cli {
namespace {

struct NormalizeOptions {
  PostReaderOptions input;
  std::string format = "text";
  NormalizerOptions normalizer;
};

int run_normalize(const NormalizeOptions& options) {
  const tokenizer::Normalizer normalizer(resolve(options.normalizer));
  PostReader reader(options.input);
  OutputSink out;
  std::string normalized;
  std::size_t invalid_posts = 0;
  for (Post post; reader.next(post);) {
    tokenizer::NormalizeStats stats;
    normalizer.normalize(post.text, normalized, &stats);
    invalid_posts += stats.invalid_utf8_bytes > 0;
    if (options.format == "text") {
      out.text() += normalized;
    } else {
      JsonWriter w;
      w.begin_object();
      if (!post.id_json.empty()) w.key("id").raw(post.id_json);
      w.key("text").value(normalized);
      w.key("lang_hint").value(tokenizer::guess_language(normalized));
      w.key("invalid_utf8_bytes").value(static_cast<std::uint64_t>(stats.invalid_utf8_bytes));
      w.end_object();
      out.text() += w.str();
    }
    out.text() += '\n';
    out.maybe_flush();
  }
  out.close();
  if (invalid_posts > 0) {
    std::cerr << "sieve: " << reader.name() << ": " << invalid_posts
              << " posts held invalid UTF-8 (replaced by U+FFFD)\n";
  }
  return finish_input(reader);
}

}  // namespace

std::vector<Command> add_normalize_command(CLI::App& app) {
  auto options = std::make_shared<NormalizeOptions>();
  CLI::App* command = app.add_subcommand("normalize", "Print each post as the normalizer reads it");
  command->add_option("input", options->input.path,
                      "file of posts, one per line (default '-': standard input)");
  command->add_flag("--jsonl", options->input.jsonl, "input is JSON lines; the post is in --field");
  command->add_option("--field", options->input.field, "JSON field of the post text (default: text)");
  command
      ->add_option("--format", options->format,
                   "text: one normalized post a line; jsonl: id, text, lang_hint")
      ->check(CLI::IsMember({"text", "jsonl"}));
  add_normalizer_options(*command, options->normalizer);
  return {{command, [options] { return run_normalize(*options); }}};
}

}  // namespace sieve::cli
