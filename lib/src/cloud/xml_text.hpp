// A tiny, bounded reader for the flat XML answers of AWS's query APIs (STS): the text of the first element with a
// given name. No XML library: the answers are small, flat documents of known shape. Enough of XML is honoured to not
// be fooled: comments, processing instructions and CDATA are refused (STS sends none), attributes on the start tag
// are skipped, a text holding markup (a nested element) is not a leaf, and the five predefined entities and
// numeric character references are decoded (anything else is refused).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace edgepg::cloud::detail {

// nullopt when the element is missing, not a leaf, or its text has an unknown entity or a control character.
std::optional<std::string> xml_text(std::string_view doc, std::string_view name);

// Whether the document contains markup edgepg refuses to read (<!-- -->, <![CDATA[, <!DOCTYPE).
bool xml_has_unsupported_markup(std::string_view doc) noexcept;

}  // namespace edgepg::cloud::detail
