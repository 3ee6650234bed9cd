#include "tmpl/lex.h"

#include <cstdio>

#include "tmpl/unicode.h"

namespace vq::tmpl {

namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr int kTrimMarkerLen = 2;  // "- " or " -"
constexpr int kEof = -1;

bool isSpace(int r) {
    return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool hasLeftTrimMarker(std::string_view s) {
    return s.size() >= 2 && s[0] == '-' && isSpace(static_cast<unsigned char>(s[1]));
}

bool hasRightTrimMarker(std::string_view s) {
    return s.size() >= 2 && isSpace(static_cast<unsigned char>(s[0])) && s[1] == '-';
}

size_t rightTrimLength(std::string_view s) {
    size_t n = 0;
    while (n < s.size() && isSpace(static_cast<unsigned char>(s[s.size() - 1 - n])))
        ++n;
    return n;
}

size_t leftTrimLength(std::string_view s) {
    size_t n = 0;
    while (n < s.size() && isSpace(static_cast<unsigned char>(s[n])))
        ++n;
    return n;
}

ItemType keyword(std::string_view word) {
    if (word == "block")
        return ItemType::Block;
    if (word == "break")
        return ItemType::Break;
    if (word == "continue")
        return ItemType::Continue;
    if (word == "define")
        return ItemType::Define;
    if (word == "else")
        return ItemType::Else;
    if (word == "end")
        return ItemType::End;
    if (word == "if")
        return ItemType::If;
    if (word == "range")
        return ItemType::Range;
    if (word == "nil")
        return ItemType::Nil;
    if (word == "template")
        return ItemType::Template;
    if (word == "with")
        return ItemType::With;
    return ItemType::Error;
}

class Lexer {
public:
    Lexer(std::string_view input, LexOptions options) : input_(input), options_(options) {}

    std::vector<Item> run() {
        State state = State::Text;
        while (state != State::Done)
            state = step(state);
        return std::move(items_);
    }

private:
    enum class State { Text, LeftDelim, Comment, InsideAction, RightDelim, Done };

    int lineAt(size_t pos) {
        // Positions only move forward between calls except for rare backups; recount then.
        if (pos < line_pos_) {
            line_pos_ = 0;
            line_count_ = 1;
        }
        for (; line_pos_ < pos; ++line_pos_) {
            if (input_[line_pos_] == '\n')
                ++line_count_;
        }
        return line_count_;
    }

    int next() {
        if (pos_ >= input_.size()) {
            width_ = 0;
            return kEof;
        }
        int r = decodeRune(input_.substr(pos_), width_);
        pos_ += width_;
        return r;
    }
    void backup() { pos_ -= width_; }
    int peek() {
        int r = next();
        backup();
        return r;
    }
    bool accept(std::string_view valid) {
        if (pos_ < input_.size() && valid.find(input_[pos_]) != std::string_view::npos) {
            ++pos_;
            width_ = 1;
            return true;
        }
        return false;
    }
    void acceptRun(std::string_view valid) {
        while (accept(valid)) {
        }
    }

    void emit(ItemType t) {
        items_.push_back(Item{t, static_cast<int>(start_),
                              std::string(input_.substr(start_, pos_ - start_)), lineAt(start_)});
        start_ = pos_;
    }
    void ignore() { start_ = pos_; }
    State errorf(std::string message) {
        items_.push_back(
            Item{ItemType::Error, static_cast<int>(start_), std::move(message), lineAt(start_)});
        return State::Done;
    }

    // Returns whether we are at the right delimiter, and whether it carries a trim marker.
    bool atRightDelim(bool* trim) {
        std::string_view rest = input_.substr(pos_);
        if (hasRightTrimMarker(rest) && startsWith(rest.substr(kTrimMarkerLen), kRightDelim)) {
            *trim = true;
            return true;
        }
        *trim = false;
        return startsWith(rest, kRightDelim);
    }

    bool atTerminator() {
        int r = peek();
        if (isSpace(r))
            return true;
        switch (r) {
            case kEof:
            case '.':
            case ',':
            case '|':
            case ':':
            case ')':
            case '(':
                return true;
            default:
                break;
        }
        return startsWith(input_.substr(pos_), kRightDelim);
    }

    State step(State s) {
        switch (s) {
            case State::Text:
                return lexText();
            case State::LeftDelim:
                return lexLeftDelim();
            case State::Comment:
                return lexComment();
            case State::InsideAction:
                return lexInsideAction();
            case State::RightDelim:
                return lexRightDelim();
            case State::Done:
                break;
        }
        return State::Done;
    }

    State lexText() {
        size_t x = input_.find(kLeftDelim, pos_);
        if (x != std::string_view::npos) {
            if (x > pos_) {
                pos_ = x;
                size_t trim = 0;
                if (hasLeftTrimMarker(input_.substr(pos_ + kLeftDelim.size()))) {
                    trim = rightTrimLength(input_.substr(start_, pos_ - start_));
                }
                pos_ -= trim;
                if (pos_ > start_)
                    emit(ItemType::Text);
                pos_ += trim;
                ignore();
            }
            return State::LeftDelim;
        }
        pos_ = input_.size();
        if (pos_ > start_)
            emit(ItemType::Text);
        emit(ItemType::Eof);
        return State::Done;
    }

    State lexLeftDelim() {
        pos_ += kLeftDelim.size();
        bool trim = hasLeftTrimMarker(input_.substr(pos_));
        size_t after = trim ? kTrimMarkerLen : 0;
        if (startsWith(input_.substr(pos_ + after), kLeftComment)) {
            pos_ += after;
            ignore();
            return State::Comment;
        }
        size_t delim_start = start_;
        items_.push_back(Item{ItemType::LeftDelim, static_cast<int>(delim_start),
                              std::string(kLeftDelim), lineAt(delim_start)});
        pos_ += after;
        ignore();
        paren_depth_ = 0;
        return State::InsideAction;
    }

    State lexComment() {
        pos_ += kLeftComment.size();
        size_t x = input_.find(kRightComment, pos_);
        if (x == std::string_view::npos)
            return errorf("unclosed comment");
        pos_ = x + kRightComment.size();
        bool trim = false;
        if (!atRightDelim(&trim))
            return errorf("comment ends before closing delimiter");
        if (trim)
            pos_ += kTrimMarkerLen;
        pos_ += kRightDelim.size();
        if (trim)
            pos_ += leftTrimLength(input_.substr(pos_));
        ignore();
        return State::Text;
    }

    State lexRightDelim() {
        bool trim = false;
        atRightDelim(&trim);
        if (trim) {
            pos_ += kTrimMarkerLen;
            ignore();
        }
        pos_ += kRightDelim.size();
        emit(ItemType::RightDelim);
        if (trim) {
            pos_ += leftTrimLength(input_.substr(pos_));
            ignore();
        }
        return State::Text;
    }

    State lexInsideAction() {
        bool trim = false;
        if (atRightDelim(&trim)) {
            if (paren_depth_ == 0)
                return State::RightDelim;
            return errorf("unclosed left paren");
        }
        int r = next();
        if (r == kEof)
            return errorf("unclosed action");
        if (isSpace(r)) {
            backup();
            return lexSpace();
        }
        switch (r) {
            case '=':
                emit(ItemType::Assign);
                return State::InsideAction;
            case ':':
                if (next() != '=')
                    return errorf("expected :=");
                emit(ItemType::Declare);
                return State::InsideAction;
            case '|':
                emit(ItemType::Pipe);
                return State::InsideAction;
            case '"':
                return lexQuote();
            case '`':
                return lexRawQuote();
            case '$':
                return lexVariable();
            case '\'':
                return lexChar();
            case '(':
                emit(ItemType::LeftParen);
                ++paren_depth_;
                return State::InsideAction;
            case ')':
                emit(ItemType::RightParen);
                if (--paren_depth_ < 0) {
                    return errorf("unexpected right paren " + goRuneDescription(r));
                }
                return State::InsideAction;
            default:
                break;
        }
        if (r == '.') {
            if (pos_ < input_.size()) {
                char c = input_[pos_];
                if (c < '0' || c > '9')
                    return lexFieldOrVariable(ItemType::Field);
            }
            backup();
            return lexNumber();
        }
        if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
            backup();
            return lexNumber();
        }
        if (isAlphaNumeric(r)) {
            backup();
            return lexIdentifier();
        }
        if (r <= 0x7f && r >= 0x20 && r != 0x7f) {
            emit(ItemType::Char);
            return State::InsideAction;
        }
        return errorf("unrecognized character in action: " + goRuneDescription(r));
    }

    State lexSpace() {
        int spaces = 0;
        while (isSpace(peek())) {
            next();
            ++spaces;
        }
        std::string_view before = input_.substr(pos_ - 1);
        if (hasRightTrimMarker(before) && startsWith(before.substr(kTrimMarkerLen), kRightDelim)) {
            backup();  // before the space
            if (spaces == 1)
                return State::RightDelim;
        }
        emit(ItemType::Space);
        return State::InsideAction;
    }

    State lexIdentifier() {
        int r = 0;
        while (isAlphaNumeric(r = next())) {
        }
        backup();
        std::string_view word = input_.substr(start_, pos_ - start_);
        if (!atTerminator())
            return errorf("bad character " + goRuneDescription(r));
        ItemType kw = keyword(word);
        if (kw != ItemType::Error) {
            if ((kw == ItemType::Break && !options_.break_ok) ||
                (kw == ItemType::Continue && !options_.continue_ok)) {
                emit(ItemType::Identifier);
            } else {
                emit(kw);
            }
        } else if (word == "true" || word == "false") {
            emit(ItemType::Bool);
        } else {
            emit(ItemType::Identifier);
        }
        return State::InsideAction;
    }

    State lexVariable() {
        if (atTerminator()) {
            emit(ItemType::Variable);
            return State::InsideAction;
        }
        return lexFieldOrVariable(ItemType::Variable);
    }

    State lexFieldOrVariable(ItemType type) {
        if (atTerminator()) {
            emit(type == ItemType::Variable ? ItemType::Variable : ItemType::Dot);
            return State::InsideAction;
        }
        int r = 0;
        while (isAlphaNumeric(r = next())) {
        }
        backup();
        if (!atTerminator())
            return errorf("bad character " + goRuneDescription(r));
        emit(type);
        return State::InsideAction;
    }

    State lexChar() { return lexQuoted('\'', ItemType::CharConstant, "character constant"); }
    State lexQuote() { return lexQuoted('"', ItemType::String, "quoted string"); }

    // Scans to the closing quote, skipping escaped characters; a newline or the end of input
    // first is an error, as in Go.
    State lexQuoted(int quote, ItemType type, const char* what) {
        for (;;) {
            int r = next();
            if (r == '\\') {
                r = next();
                if (r != kEof && r != '\n')
                    continue;
                return errorf(std::string("unterminated ") + what);
            }
            if (r == kEof || r == '\n')
                return errorf(std::string("unterminated ") + what);
            if (r == quote)
                break;
        }
        emit(type);
        return State::InsideAction;
    }

    State lexRawQuote() {
        for (;;) {
            int r = next();
            if (r == kEof)
                return errorf("unterminated raw quoted string");
            if (r == '`')
                break;
        }
        emit(ItemType::RawString);
        return State::InsideAction;
    }

    State lexNumber() {
        if (!scanNumber()) {
            return errorf("bad number syntax: " + goQuote(input_.substr(start_, pos_ - start_)));
        }
        int sign = peek();
        if (sign == '+' || sign == '-') {
            if (!scanNumber() || input_[pos_ - 1] != 'i') {
                return errorf("bad number syntax: " +
                              goQuote(input_.substr(start_, pos_ - start_)));
            }
            emit(ItemType::Complex);
        } else {
            emit(ItemType::Number);
        }
        return State::InsideAction;
    }

    bool scanNumber() {
        accept("+-");
        std::string_view digits = "0123456789_";
        if (accept("0")) {
            if (accept("xX")) {
                digits = "0123456789abcdefABCDEF_";
            } else if (accept("oO")) {
                digits = "01234567_";
            } else if (accept("bB")) {
                digits = "01_";
            }
        }
        acceptRun(digits);
        if (accept("."))
            acceptRun(digits);
        if (digits.size() == 11 && accept("eE")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        if (digits.size() == 23 && accept("pP")) {
            accept("+-");
            acceptRun("0123456789_");
        }
        accept("i");
        if (isAlphaNumeric(peek())) {
            next();
            return false;
        }
        return true;
    }

    std::string_view input_;
    LexOptions options_;
    std::vector<Item> items_;
    size_t pos_ = 0;
    size_t start_ = 0;
    size_t width_ = 0;
    int paren_depth_ = 0;
    size_t line_pos_ = 0;
    int line_count_ = 1;
};

}  // namespace

std::string Item::describe() const {
    if (type == ItemType::Eof)
        return "EOF";
    if (type == ItemType::Error)
        return val;
    if (type > ItemType::Keyword)
        return "<" + val + ">";
    // %.10q: at most ten runes, then quoted.
    size_t runes = 0;
    size_t i = 0;
    while (i < val.size() && runes < 10) {
        size_t w = 0;
        decodeRune(std::string_view(val).substr(i), w);
        i += w;
        ++runes;
    }
    if (i < val.size())
        return goQuote(std::string_view(val).substr(0, i)) + "...";
    return goQuote(val);
}

std::vector<Item> lex(std::string_view input, LexOptions options) {
    return Lexer(input, options).run();
}

std::string goRuneDescription(int r) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(r < 0 ? 0xFFFD : r));
    std::string out = buf;
    if (r >= 0 && isPrintRune(r)) {
        out += " '";
        appendRune(out, r);
        out += "'";
    }
    return out;
}

std::string goQuote(std::string_view s) {
    return quoteString(s, false);
}

}  // namespace vq::tmpl
