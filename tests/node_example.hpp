// The README's Node example (docker/examples/node), built as the README
// shows it, once per run of the container tests: its image's tag.
#pragma once

#include <string>

const std::string& node_example();
