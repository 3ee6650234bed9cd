#include "tmpl/parse.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "tmpl/fmt.h"
#include "tmpl/lex.h"
#include "tmpl/number_literal.h"
#include "tmpl/unicode.h"

namespace vq::tmpl {

namespace {

struct ParseError {
    std::string message;
};

class Parser {
public:
    Parser(std::string_view name,
           std::string_view text,
           const HasFunction& has_function,
           TreeSet& trees)
        : name_(name),
          text_(std::make_shared<const std::string>(text)),
          has_function_(has_function),
          trees_(trees) {
        LexOptions opts;
        opts.break_ok = !has_function("break");
        opts.continue_ok = !has_function("continue");
        items_ = lex(text, opts);
    }

    void parseTop() {
        auto tree = newTree(std::string(name_));
        Scope scope(*this);
        tree->root = std::make_unique<ListNode>(peek().pos);
        while (peek().type != ItemType::Eof) {
            if (peek().type == ItemType::LeftDelim) {
                size_t save = index_;
                next();
                if (nextNonSpace().type == ItemType::Define) {
                    parseDefinition();
                    continue;
                }
                index_ = save;
            }
            NodePtr n = textOrAction();
            if (n->type == NodeType::End || n->type == NodeType::Else) {
                errorf("unexpected " + n->toString());
            }
            tree->root->nodes.push_back(std::move(n));
        }
        add(std::move(tree));
    }

private:
    // Each tree (top level, define, block) starts with only "$" in scope and no range.
    struct Scope {
        explicit Scope(Parser& p) : parser(p), vars(std::move(p.vars_)), range(p.range_depth_) {
            p.vars_ = {"$"};
            p.range_depth_ = 0;
        }
        ~Scope() {
            parser.vars_ = std::move(vars);
            parser.range_depth_ = range;
        }
        Parser& parser;
        std::vector<std::string> vars;
        int range;
    };

    std::shared_ptr<Tree> newTree(std::string name) {
        auto t = std::make_shared<Tree>();
        t->name = std::move(name);
        t->parse_name = std::string(name_);
        t->text = text_;
        return t;
    }

    [[noreturn]] void errorf(const std::string& msg) {
        int line = items_[std::min(max_fetched_, items_.size() - 1)].line;
        throw ParseError{"template: " + std::string(name_) + ":" + std::to_string(line) + ": " +
                         msg};
    }

    // The vector always ends with Eof or Error; reading past it keeps returning that item.
    const Item& next() {
        size_t i = std::min(index_, items_.size() - 1);
        ++index_;
        max_fetched_ = std::max(max_fetched_, i);
        return items_[i];
    }
    void backup(size_t n = 1) { index_ -= n; }
    const Item& peek() {
        const Item& it = next();
        backup();
        return it;
    }
    const Item& nextNonSpace() {
        for (;;) {
            const Item& it = next();
            if (it.type != ItemType::Space)
                return it;
        }
    }
    const Item& peekNonSpace() {
        const Item& it = nextNonSpace();
        backup();
        return it;
    }
    const Item& expect(ItemType t, const std::string& context) {
        const Item& it = nextNonSpace();
        if (it.type != t)
            unexpected(it, context);
        return it;
    }
    const Item& expectOneOf(ItemType a, ItemType b, const std::string& context) {
        const Item& it = nextNonSpace();
        if (it.type != a && it.type != b)
            unexpected(it, context);
        return it;
    }
    [[noreturn]] void unexpected(const Item& it, const std::string& context) {
        if (it.type == ItemType::Error) {
            std::string extra;
            if (action_line_ != 0 && action_line_ != it.line) {
                extra = " in action started at " + std::string(name_) + ":" +
                        std::to_string(action_line_);
                if (it.val.size() >= 7 && it.val.substr(it.val.size() - 7) == " action") {
                    extra = extra.substr(10);
                }
            }
            errorf(it.val + extra);
        }
        errorf("unexpected " + it.describe() + " in " + context);
    }

    void add(std::shared_ptr<Tree> tree) {
        auto it = trees_.find(tree->name);
        if (it == trees_.end() || isEmptyTree(it->second->root.get())) {
            trees_[tree->name] = std::move(tree);
            return;
        }
        if (!isEmptyTree(tree->root.get())) {
            errorf("template: multiple definition of template " + goQuote(tree->name));
        }
    }

    void parseDefinition() {
        const std::string context = "define clause";
        const Item& name_item = expectOneOf(ItemType::String, ItemType::RawString, context);
        std::string name;
        if (!unquote(name_item.val, name))
            errorf("invalid syntax");
        expect(ItemType::RightDelim, context);
        auto tree = newTree(name);
        Scope scope(*this);
        NodePtr end;
        tree->root = itemList(end);
        if (end->type != NodeType::End)
            errorf("unexpected " + end->toString() + " in " + context);
        add(std::move(tree));
    }

    std::unique_ptr<ListNode> itemList(NodePtr& end) {
        auto list = std::make_unique<ListNode>(peekNonSpace().pos);
        while (peekNonSpace().type != ItemType::Eof) {
            NodePtr n = textOrAction();
            if (n->type == NodeType::End || n->type == NodeType::Else) {
                end = std::move(n);
                return list;
            }
            list->nodes.push_back(std::move(n));
        }
        errorf("unexpected EOF");
    }

    NodePtr textOrAction() {
        const Item& it = nextNonSpace();
        switch (it.type) {
            case ItemType::Text:
                return std::make_unique<TextNode>(it.pos, it.val);
            case ItemType::LeftDelim: {
                action_line_ = it.line;
                NodePtr n = action();
                action_line_ = 0;
                return n;
            }
            default:
                unexpected(it, "input");
        }
    }

    NodePtr action() {
        const Item& it = nextNonSpace();
        switch (it.type) {
            case ItemType::Block:
                return blockControl();
            case ItemType::Break:
                return loopControl(it, NodeType::Break, "{{break}}");
            case ItemType::Continue:
                return loopControl(it, NodeType::Continue, "{{continue}}");
            case ItemType::Else:
                return elseControl();
            case ItemType::End:
                return std::make_unique<SimpleNode>(NodeType::End,
                                                    expect(ItemType::RightDelim, "end").pos, 0);
            case ItemType::If:
                return branchControl(NodeType::If, "if");
            case ItemType::Range:
                return branchControl(NodeType::Range, "range");
            case ItemType::Template:
                return templateControl();
            case ItemType::With:
                return branchControl(NodeType::With, "with");
            default:
                break;
        }
        backup();
        const Item& start = peek();
        int pos = start.pos;
        int line = start.line;
        return std::make_unique<ActionNode>(pos, line, pipeline("command", ItemType::RightDelim));
    }

    NodePtr loopControl(const Item& kw, NodeType type, const std::string& context) {
        int pos = kw.pos;
        int line = kw.line;
        const Item& it = nextNonSpace();
        if (it.type != ItemType::RightDelim)
            unexpected(it, context);
        if (range_depth_ == 0)
            errorf(context + " outside {{range}}");
        return std::make_unique<SimpleNode>(type, pos, line);
    }

    NodePtr elseControl() {
        const Item& p = peekNonSpace();
        if (p.type == ItemType::If)
            return std::make_unique<SimpleNode>(NodeType::Else, p.pos, p.line);
        const Item& it = expect(ItemType::RightDelim, "else");
        return std::make_unique<SimpleNode>(NodeType::Else, it.pos, it.line);
    }

    std::unique_ptr<BranchNode> branchControl(NodeType type, const std::string& context) {
        DepthGuard guard(*this);
        size_t mark = vars_.size();
        auto pipe = pipeline(context, ItemType::RightDelim);
        if (type == NodeType::Range)
            ++range_depth_;
        NodePtr next_node;
        auto list = itemList(next_node);
        if (type == NodeType::Range)
            --range_depth_;
        std::unique_ptr<ListNode> else_list;
        if (next_node->type == NodeType::Else) {
            if (type == NodeType::If && peek().type == ItemType::If) {
                next();
                else_list = std::make_unique<ListNode>(next_node->pos);
                else_list->nodes.push_back(branchControl(NodeType::If, "if"));
            } else {
                NodePtr end;
                else_list = itemList(end);
                if (end->type != NodeType::End)
                    errorf("expected end; found " + end->toString());
            }
        }
        vars_.resize(mark);
        auto node = std::make_unique<BranchNode>(type, pipe->pos, pipe->line);
        node->pipe = std::move(pipe);
        node->list = std::move(list);
        node->else_list = std::move(else_list);
        return node;
    }

    std::string templateName(const Item& it, const std::string& context) {
        if (it.type != ItemType::String && it.type != ItemType::RawString)
            unexpected(it, context);
        std::string name;
        if (!unquote(it.val, name))
            errorf("invalid syntax");
        return name;
    }

    NodePtr blockControl() {
        const std::string context = "block clause";
        const Item& it = nextNonSpace();
        int pos = it.pos;
        int line = it.line;
        std::string name = templateName(it, context);
        auto pipe = pipeline(context, ItemType::RightDelim);
        auto tree = newTree(name);
        {
            Scope scope(*this);
            NodePtr end;
            tree->root = itemList(end);
            if (end->type != NodeType::End) {
                errorf("unexpected " + end->toString() + " in " + context);
            }
        }
        add(std::move(tree));
        return std::make_unique<TemplateNode>(pos, line, name, std::move(pipe));
    }

    NodePtr templateControl() {
        const std::string context = "template clause";
        const Item& it = nextNonSpace();
        int pos = it.pos;
        int line = it.line;
        std::string name = templateName(it, context);
        std::unique_ptr<PipeNode> pipe;
        if (nextNonSpace().type != ItemType::RightDelim) {
            backup();
            pipe = pipeline(context, ItemType::RightDelim);
        }
        return std::make_unique<TemplateNode>(pos, line, name, std::move(pipe));
    }

    // Bounds recursion on hostile input (Go has no limit; real templates nest a few levels).
    struct DepthGuard {
        explicit DepthGuard(Parser& p) : parser(p) {
            if (++parser.depth_ > kMaxParseDepth)
                parser.errorf("template nested too deeply");
        }
        ~DepthGuard() { --parser.depth_; }
        Parser& parser;
    };
    static constexpr int kMaxParseDepth = 500;

    std::unique_ptr<PipeNode> pipeline(const std::string& context, ItemType end) {
        DepthGuard guard(*this);
        const Item& first = peekNonSpace();
        auto pipe = std::make_unique<PipeNode>(first.pos, first.line);
        for (;;) {  // declarations
            size_t before_var = index_;
            const Item& v = peekNonSpace();
            if (v.type != ItemType::Variable)
                break;
            nextNonSpace();
            const Item& after = peek();
            const Item& nx = peekNonSpace();
            if (nx.type == ItemType::Assign || nx.type == ItemType::Declare) {
                pipe->is_assign = nx.type == ItemType::Assign;
                nextNonSpace();
                pipe->decl.push_back(
                    std::make_unique<VariableNode>(v.pos, std::vector<std::string>{v.val}));
                vars_.push_back(v.val);
            } else if (nx.type == ItemType::Char && nx.val == ",") {
                nextNonSpace();
                pipe->decl.push_back(
                    std::make_unique<VariableNode>(v.pos, std::vector<std::string>{v.val}));
                vars_.push_back(v.val);
                if (context == "range" && pipe->decl.size() < 2) {
                    ItemType t = peekNonSpace().type;
                    if (t == ItemType::Variable || t == ItemType::RightDelim ||
                        t == ItemType::RightParen) {
                        continue;
                    }
                    errorf("range can only initialize variables");
                }
                errorf("too many declarations in " + context);
            } else {
                // Not a declaration: the variable starts the first command.
                (void)after;
                index_ = before_var;
            }
            break;
        }
        for (;;) {
            const Item& it = nextNonSpace();
            if (it.type == end) {
                checkPipeline(*pipe, context);
                return pipe;
            }
            switch (it.type) {
                case ItemType::Bool:
                case ItemType::CharConstant:
                case ItemType::Complex:
                case ItemType::Dot:
                case ItemType::Field:
                case ItemType::Identifier:
                case ItemType::Number:
                case ItemType::Nil:
                case ItemType::RawString:
                case ItemType::String:
                case ItemType::Variable:
                case ItemType::LeftParen:
                    backup();
                    pipe->cmds.push_back(command());
                    break;
                default:
                    unexpected(it, context);
            }
        }
    }

    void checkPipeline(const PipeNode& pipe, const std::string& context) {
        if (pipe.cmds.empty())
            errorf("missing value for " + context);
        for (size_t i = 1; i < pipe.cmds.size(); ++i) {
            switch (pipe.cmds[i]->args[0]->type) {
                case NodeType::Bool:
                case NodeType::Dot:
                case NodeType::Nil:
                case NodeType::Number:
                case NodeType::String:
                    errorf("non executable command in pipeline stage " + std::to_string(i + 1));
                default:
                    break;
            }
        }
    }

    std::unique_ptr<CommandNode> command() {
        auto cmd = std::make_unique<CommandNode>(peekNonSpace().pos);
        for (;;) {
            peekNonSpace();
            NodePtr op = operand();
            if (op)
                cmd->args.push_back(std::move(op));
            const Item& it = next();
            if (it.type == ItemType::Space)
                continue;
            if (it.type == ItemType::RightDelim || it.type == ItemType::RightParen) {
                backup();
            } else if (it.type != ItemType::Pipe) {
                unexpected(it, "operand");
            }
            break;
        }
        if (cmd->args.empty())
            errorf("empty command");
        return cmd;
    }

    NodePtr operand() {
        NodePtr node = term();
        if (!node)
            return nullptr;
        if (peek().type == ItemType::Field) {
            auto chain = std::make_unique<ChainNode>(peek().pos, nullptr);
            std::vector<std::string> fields;
            while (peek().type == ItemType::Field)
                fields.push_back(next().val.substr(1));
            switch (node->type) {
                case NodeType::Field: {
                    auto* f = static_cast<FieldNode*>(node.get());
                    for (auto& x : fields)
                        f->ident.push_back(x);
                    f->pos = chain->pos;
                    return node;
                }
                case NodeType::Variable: {
                    auto* v = static_cast<VariableNode*>(node.get());
                    for (auto& x : fields)
                        v->ident.push_back(x);
                    v->pos = chain->pos;
                    return node;
                }
                case NodeType::Bool:
                case NodeType::String:
                case NodeType::Number:
                case NodeType::Nil:
                case NodeType::Dot:
                    errorf("unexpected . after term " + goQuote(node->toString()));
                default:
                    chain->node = std::move(node);
                    chain->field = std::move(fields);
                    return chain;
            }
        }
        return node;
    }

    NodePtr term() {
        const Item& it = nextNonSpace();
        switch (it.type) {
            case ItemType::Identifier: {
                if (!has_function_(it.val))
                    errorf("function " + goQuote(it.val) + " not defined");
                auto id = std::make_unique<IdentifierNode>(it.pos, it.val);
                id->builtin = builtinByName(it.val);
                return id;
            }
            case ItemType::Dot:
                return std::make_unique<DotNode>(it.pos);
            case ItemType::Nil:
                return std::make_unique<NilNode>(it.pos);
            case ItemType::Variable:
                return useVar(it);
            case ItemType::Field: {
                std::vector<std::string> id;
                id.push_back(it.val.substr(1));
                return std::make_unique<FieldNode>(it.pos, std::move(id));
            }
            case ItemType::Bool:
                return std::make_unique<BoolNode>(it.pos, it.val == "true");
            case ItemType::CharConstant:
            case ItemType::Complex:
            case ItemType::Number:
                return newNumber(it);
            case ItemType::LeftParen:
                return pipeline("parenthesized pipeline", ItemType::RightParen);
            case ItemType::String:
            case ItemType::RawString: {
                std::string s;
                if (!unquote(it.val, s))
                    errorf("invalid syntax");
                return std::make_unique<StringNode>(it.pos, it.val, std::move(s));
            }
            default:
                backup();
                return nullptr;
        }
    }

    NodePtr useVar(const Item& it) {
        std::vector<std::string> id;
        id.push_back(it.val);
        for (const auto& v : vars_) {
            if (v == it.val)
                return std::make_unique<VariableNode>(it.pos, std::move(id));
        }
        errorf("undefined variable " + goQuote(it.val));
    }

    NodePtr newNumber(const Item& it) {
        auto n = std::make_unique<NumberNode>(it.pos, it.val);
        const std::string& text = it.val;
        if (it.type == ItemType::CharConstant) {
            int r = 0;
            if (!unquoteCharLiteral(text, r)) {
                if (text.size() > 2 && text[1] != '\\') {
                    size_t w = 0;
                    decodeRune(std::string_view(text).substr(1), w);
                    if (1 + w < text.size() - 1)
                        errorf("malformed character constant: " + text);
                }
                errorf("invalid syntax");
            }
            n->is_int = n->is_uint = n->is_float = true;
            n->int64 = r;
            n->uint64 = static_cast<uint64_t>(r);
            n->float64 = r;
        } else if (it.type == ItemType::Complex) {
            // "re+imi" / "re-imi".
            size_t split = text.find_last_of("+-");
            double re = 0;
            double im = 0;
            if (split == std::string::npos || split == 0 ||
                !parseFloat(text.substr(0, split), re) ||
                !parseFloat(text.substr(split, text.size() - split - 1), im)) {
                errorf("expected integer");
            }
            n->is_complex = true;
            n->float64 = re;
            n->imag = im;
            simplifyComplex(*n);
        } else if (!text.empty() && text.back() == 'i') {
            double im = 0;
            if (!parseFloat(text.substr(0, text.size() - 1), im)) {
                uint64_t mag = 0;
                bool neg = false;
                if (!parseSignedOrUnsigned(text.substr(0, text.size() - 1), neg, mag)) {
                    errorf("illegal number syntax: " + goQuote(text));
                }
                im = neg ? -static_cast<double>(mag) : static_cast<double>(mag);
            }
            n->is_complex = true;
            n->imag = im;
            simplifyComplex(*n);
        } else {
            bool neg = false;
            uint64_t mag = 0;
            bool int_syntax = parseSignedOrUnsigned(text, neg, mag);
            if (int_syntax) {
                if (!neg) {
                    n->is_uint = true;
                    n->uint64 = mag;
                }
                constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
                if (!neg && mag <= kMax) {
                    n->is_int = true;
                    n->int64 = static_cast<int64_t>(mag);
                } else if (neg && mag <= kMax + 1) {
                    n->is_int = true;
                    n->int64 = static_cast<int64_t>(0 - mag);
                    if (mag == 0) {
                        n->is_uint = true;
                        n->uint64 = 0;
                    }
                }
            }
            if (n->is_int) {
                n->is_float = true;
                n->float64 = static_cast<double>(n->int64);
            } else if (n->is_uint) {
                n->is_float = true;
                n->float64 = static_cast<double>(n->uint64);
            } else {
                double f = 0;
                if (parseFloat(text, f)) {
                    if (text.find_first_of(".eEpP") == std::string::npos) {
                        errorf("integer overflow: " + goQuote(text));
                    }
                    n->is_float = true;
                    n->float64 = f;
                    if (f >= -9.2233720368547758e18 && f < 9.2233720368547758e18 &&
                        std::trunc(f) == f) {
                        n->is_int = true;
                        n->int64 = static_cast<int64_t>(f);
                    }
                    if (f >= 0 && f < 1.8446744073709552e19 && std::trunc(f) == f) {
                        n->is_uint = true;
                        n->uint64 = static_cast<uint64_t>(f);
                    }
                } else if (int_syntax) {
                    // Integer syntax that overflows even as a float cannot happen; fall through.
                }
            }
            if (!n->is_int && !n->is_uint && !n->is_float) {
                errorf("illegal number syntax: " + goQuote(text));
            }
        }
        // Go's idealConstant: what the literal means as a command or untyped argument.
        bool float_form =
            text.find_first_of(".eEpP") != std::string::npos && !isHexInt(text) && text[0] != '\'';
        if (n->is_complex) {
            // No complex kind in Value: a complex constant is only ever printed, as Go does.
            std::string c = "(";
            appendShortestFloat(c, n->float64);
            if (!(n->imag < 0) && !std::signbit(n->imag))
                c += '+';
            appendShortestFloat(c, n->imag);
            n->constant = Value(c + "i)");
        } else if (n->is_float && float_form) {
            n->constant = Value(n->float64);
        } else if (n->is_int) {
            n->constant = Value(n->int64);
        } else {
            n->constant_error = text + " overflows int";
        }
        return n;
    }

    static void simplifyComplex(NumberNode& n) {
        n.is_float = n.imag == 0;
        if (n.is_float) {
            n.is_int = std::trunc(n.float64) == n.float64 && std::fabs(n.float64) < 9.2e18;
            if (n.is_int)
                n.int64 = static_cast<int64_t>(n.float64);
            n.is_uint = n.is_int && n.float64 >= 0;
            if (n.is_uint)
                n.uint64 = static_cast<uint64_t>(n.float64);
        }
    }

    std::string_view name_;
    std::shared_ptr<const std::string> text_;
    const HasFunction& has_function_;
    TreeSet& trees_;
    std::vector<Item> items_;
    size_t index_ = 0;
    size_t max_fetched_ = 0;
    std::vector<std::string> vars_{"$"};
    int range_depth_ = 0;
    int action_line_ = 0;
    int depth_ = 0;
};

}  // namespace

bool isEmptyTree(const Node* n) {
    if (n == nullptr)
        return true;
    switch (n->type) {
        case NodeType::Comment:
            return true;
        case NodeType::NodeList:
            for (const auto& c : static_cast<const ListNode*>(n)->nodes) {
                if (!isEmptyTree(c.get()))
                    return false;
            }
            return true;
        case NodeType::Text: {
            for (char c : static_cast<const TextNode*>(n)->text) {
                if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')) {
                    return false;
                }
            }
            return true;
        }
        default:
            return false;
    }
}

void TemplateNode::writeTo(std::string& out) const {
    out += "{{template " + goQuote(name);
    if (pipe) {
        out += ' ';
        pipe->writeTo(out);
    }
    out += "}}";
}

Builtin builtinByName(std::string_view name) {
    static const std::map<std::string_view, Builtin> kBuiltins = {
        {"and", Builtin::And},     {"or", Builtin::Or},         {"not", Builtin::Not},
        {"len", Builtin::Len},     {"index", Builtin::Index},   {"slice", Builtin::Slice},
        {"print", Builtin::Print}, {"printf", Builtin::Printf}, {"println", Builtin::Println},
        {"html", Builtin::Html},   {"js", Builtin::Js},         {"urlquery", Builtin::Urlquery},
        {"eq", Builtin::Eq},       {"ne", Builtin::Ne},         {"lt", Builtin::Lt},
        {"le", Builtin::Le},       {"gt", Builtin::Gt},         {"ge", Builtin::Ge},
        {"call", Builtin::Call},
    };
    auto it = kBuiltins.find(name);
    return it == kBuiltins.end() ? Builtin::None : it->second;
}

Result<TreeSet> parseTemplate(std::string_view name,
                              std::string_view text,
                              const HasFunction& has_function) {
    TreeSet trees;
    try {
        Parser parser(name, text, has_function, trees);
        parser.parseTop();
    } catch (const ParseError& e) {
        return Result<TreeSet>::error(e.message);
    }
    return trees;
}

}  // namespace vq::tmpl
