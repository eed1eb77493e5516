// sieve serve: the HTTP inference server over one model, until SIGTERM (docs/serving.md).

#include <cstdio>

#include "command.h"
#include "sieve/serve/server.h"
#include "template_window_options.h"
#include "validators.h"

namespace sieve::cli {
namespace {

int run_serve(infer::ServerOptions options, const TemplateWindowCliOptions& templates) {
  options.annotator = make_template_annotator(templates);
  infer::Server server(options);
  // Scripts and tests read the port from this line (it is the chosen one with --port 0).
  std::printf("listening on %s:%d\n", options.host.c_str(), server.port());
  std::fflush(stdout);
  server.run();
  return 0;
}

}  // namespace

std::vector<Command> add_serve_command(CLI::App& app) {
  auto options = std::make_shared<infer::ServerOptions>();
  auto templates = std::make_shared<TemplateWindowCliOptions>();
  CLI::App* serve = app.add_subcommand("serve", "Serve a model over HTTP/JSON until SIGTERM");
  serve->add_option("model", options->model_path, "model.sieve (reloaded from here on SIGHUP)")->required();
  serve->add_option("--host", options->host, "address to listen on")->capture_default_str();
  serve->add_option("--port", options->port, "port (0: any free one, printed at start)")
      ->capture_default_str();
  serve->add_option("--threads", options->threads, "scoring threads (0: all cores)")->check(kNotNegative);
  serve->add_option("--http-threads", options->http_threads, "threads kept for connections")
      ->capture_default_str();
  serve
      ->add_option("--max-connections", options->max_connections,
                   "connections served at once (threads are added beyond --http-threads up to it)")
      ->capture_default_str();
  serve
      ->add_option("--read-timeout-ms", options->read_timeout_ms,
                   "longest wait for the next bytes of a request (408 beyond)")
      ->capture_default_str();
  serve->add_option("--max-batch", options->max_batch, "posts scored as one batch")
      ->check(kNotNegative)
      ->capture_default_str();
  serve
      ->add_option("--max-delay-us", options->max_delay_us,
                   "longest wait of a batch's first request for others to join it")
      ->capture_default_str();
  serve->add_option("--queue-capacity", options->queue_capacity, "posts waiting before requests get 429")
      ->check(kNotNegative)
      ->capture_default_str();
  serve->add_option("--max-body-bytes", options->max_body_bytes, "largest request body (413 beyond)")
      ->check(kNotNegative)
      ->capture_default_str();
  serve->add_option("--max-posts", options->max_posts, "posts per request (400 beyond)")
      ->check(kNotNegative)
      ->capture_default_str();
  serve->add_option("--max-text-bytes", options->max_text_bytes, "bytes of one post's text (400 beyond)")
      ->check(kNotNegative)
      ->capture_default_str();
  serve
      ->add_option("--model-name", options->model_name,
                   "the model's name in the Open Inference Protocol's /v2/models/{name} routes")
      ->capture_default_str();
  serve->add_option("--deadline-ms", options->deadline_ms, "from arrival to answer (504 beyond)")
      ->capture_default_str();
  serve->add_option("--explain-spans", options->explain_spans, "spans per head that ?explain=1 adds")
      ->check(kNotNegative)
      ->capture_default_str();
  serve->add_option("--admin-token-file", options->admin_token_file,
                    "file holding the bearer token of POST /admin/reload (off without it)");
  serve
      ->add_option("--access-log", options->access_log,
                   "JSON lines, one per request: a file, - for standard error, '' for none")
      ->capture_default_str();
  add_template_window_options(*serve, *templates);
  serve->add_option("--template-top", templates->metrics_top, "templates shown in /metrics (default 10)")
      ->check(kNotNegative);
  return {{serve, [options, templates] { return run_serve(*options, *templates); }}};
}

}  // namespace sieve::cli
