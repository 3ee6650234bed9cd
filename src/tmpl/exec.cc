#include "tmpl/exec.h"

#include <cstdint>
#include <utility>
#include <vector>

#include "tmpl/fmt.h"
#include "tmpl/funcs.h"
#include "tmpl/lex.h"

namespace vq::tmpl {

namespace {

// Template calls nest at most this deep (Go allows 100000; we keep the native stack safe).
constexpr int kMaxExecDepth = 1000;
// And whatever nests (template calls, if/range/with, pipelines) stops at this much native
// stack: calls that each nest hundreds of blocks would overflow a thread's stack well before
// kMaxExecDepth. 1 MiB fits every thread we run on (8 MiB by default), with ASan's larger
// frames too (they only make the error come sooner).
constexpr uintptr_t kMaxStackBytes = 1u << 20;
// Steps (nodes walked) per execution: a range nested over aliased YAML lists can ask for
// 10^10 of them, where a real template takes thousands (~10^6 looping over 100,000 hosts).
constexpr uint64_t kMaxSteps = 50'000'000;

struct ExecError {
    std::string message;
};

enum class Flow { Normal, Break, Continue };

// How an argument is consumed: Go's parameter types of the builtins.
enum class ArgType { Any, ReflectValue, String };

// `final` marker: whether a previous pipeline stage supplies the last argument.
struct Final {
    bool present = false;
    Value value;
};

class State {
public:
    State(const TemplateSet& set, const FuncMap* overrides, std::string& out)
        : set_(set), overrides_(overrides), out_(out) {}

    void run(const Tree& tree, const Value& dot) {
        stack_base_ = stackPosition();
        tree_ = &tree;
        vars_.clear();
        vars_.emplace_back("$", dot);
        try {
            walk(dot, tree.root.get());
        } catch (const OutputTooLarge&) {
            // Thrown while formatting one value: report it where that value was printed.
            errorf("output exceeds " + std::to_string(kMaxOutputBytes >> 20) + " MiB");
        }
    }

private:
    [[noreturn]] void errorf(const std::string& msg) {
        std::string name = goQuote(tree_->name);
        if (node_ == nullptr) {
            throw ExecError{"template: " + tree_->name + ": " + msg};
        }
        const std::string& text = *tree_->text;
        size_t pos = std::min(static_cast<size_t>(node_->pos), text.size());
        size_t last_nl = text.rfind('\n', pos == 0 ? 0 : pos - 1);
        int line = 1;
        for (size_t i = 0; i < pos; ++i) {
            if (text[i] == '\n')
                ++line;
        }
        size_t col = (last_nl == std::string::npos || pos == 0 || text[last_nl] != '\n')
                         ? pos
                         : pos - (last_nl + 1);
        throw ExecError{"template: " + tree_->parse_name + ":" + std::to_string(line) + ":" +
                        std::to_string(col) + ": executing " + name + " at <" + node_->toString() +
                        ">: " + msg};
    }

    void at(const Node* n) { node_ = n; }

    // --- walking -------------------------------------------------------------------------

    static uintptr_t stackPosition() {
        return reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    }

    // Bounds what one execution may take: stack, steps and output.
    void checkBudget() {
        const uintptr_t here = stackPosition();
        if (stack_base_ > here && stack_base_ - here > kMaxStackBytes)
            errorf("templates nest too deep (over " + std::to_string(kMaxStackBytes >> 10) +
                   " KiB of stack)");
        if (++steps_ > kMaxSteps)
            errorf("execution exceeds " + std::to_string(kMaxSteps) + " steps");
        checkOutput();
    }

    void checkOutput() {
        if (out_.size() > kMaxOutputBytes)
            errorf("output exceeds " + std::to_string(kMaxOutputBytes >> 20) + " MiB");
    }

    Flow walk(const Value& dot, const Node* node) {
        at(node);
        checkBudget();
        switch (node->type) {
            case NodeType::Action: {
                auto* a = static_cast<const ActionNode*>(node);
                Value v = evalPipeline(dot, a->pipe.get());
                if (a->pipe->decl.empty()) {
                    at(node);
                    if (v.isNil()) {
                        out_ += "<no value>";
                    } else {
                        appendValue(out_, v);
                    }
                    checkOutput();
                }
                return Flow::Normal;
            }
            case NodeType::Break:
                return Flow::Break;
            case NodeType::Continue:
                return Flow::Continue;
            case NodeType::Comment:
                return Flow::Normal;
            case NodeType::If:
            case NodeType::With:
                return walkIfOrWith(dot, static_cast<const BranchNode*>(node));
            case NodeType::NodeList:
                for (const auto& n : static_cast<const ListNode*>(node)->nodes) {
                    Flow f = walk(dot, n.get());
                    if (f != Flow::Normal)
                        return f;
                }
                return Flow::Normal;
            case NodeType::Range:
                walkRange(dot, static_cast<const BranchNode*>(node));
                return Flow::Normal;
            case NodeType::Template:
                walkTemplate(dot, static_cast<const TemplateNode*>(node));
                return Flow::Normal;
            case NodeType::Text:
                out_ += static_cast<const TextNode*>(node)->text;
                checkOutput();
                return Flow::Normal;
            default:
                errorf("unknown node: " + node->toString());
        }
    }

    Flow walkIfOrWith(const Value& dot, const BranchNode* b) {
        size_t mark = vars_.size();
        Value val = evalPipeline(dot, b->pipe.get());
        Flow f = Flow::Normal;
        if (isTrue(val)) {
            f = walk(b->type == NodeType::With ? val : dot, b->list.get());
        } else if (b->else_list) {
            f = walk(dot, b->else_list.get());
        }
        vars_.resize(mark);
        return f;
    }

    void walkRange(const Value& dot, const BranchNode* r) {
        at(r);
        size_t outer = vars_.size();
        Value val = evalPipeline(dot, r->pipe.get());
        size_t mark = vars_.size();
        size_t ndecl = r->pipe->decl.size();
        auto one = [&](const Value& index, const Value& elem) -> Flow {
            if (ndecl > 0)
                vars_[vars_.size() - 1].second = elem;
            if (ndecl > 1)
                vars_[vars_.size() - 2].second = index;
            Flow f = walk(elem, r->list.get());
            vars_.resize(mark);
            return f;
        };
        bool ran = false;
        switch (val.kind()) {
            case Kind::List: {
                const List& l = val.asList();
                for (size_t i = 0; i < l.size(); ++i) {
                    ran = true;
                    if (one(Value(static_cast<int64_t>(i)), l[i]) == Flow::Break)
                        break;
                }
                break;
            }
            case Kind::Map:
                for (const auto& [k, v] : val.asMap()) {
                    ran = true;
                    if (one(Value(k), v) == Flow::Break)
                        break;
                }
                break;
            case Kind::Missing:
            case Kind::Null:
                break;
            default: {
                std::string s;
                appendValue(s, val);
                errorf("range can't iterate over " + s);
            }
        }
        if (!ran && r->else_list)
            walk(dot, r->else_list.get());
        vars_.resize(outer);
    }

    void walkTemplate(const Value& dot, const TemplateNode* t) {
        at(t);
        const Tree* tree = set_.find(t->name);
        if (tree == nullptr)
            errorf("template " + goQuote(t->name) + " not defined");
        if (depth_ >= kMaxExecDepth) {
            errorf("exceeded maximum template depth (" + std::to_string(kMaxExecDepth) + ")");
        }
        Value new_dot = t->pipe ? evalPipeline(dot, t->pipe.get()) : Value();
        const Tree* saved_tree = tree_;
        std::vector<std::pair<std::string_view, Value>> saved_vars;
        saved_vars.swap(vars_);
        vars_.emplace_back("$", new_dot);
        ++depth_;
        tree_ = tree;
        walk(new_dot, tree->root.get());
        tree_ = saved_tree;
        --depth_;
        vars_.swap(saved_vars);
    }

    // --- evaluation ----------------------------------------------------------------------

    Value evalPipeline(const Value& dot, const PipeNode* pipe) {
        at(pipe);
        checkBudget();
        Final final;
        Value value;
        for (const auto& cmd : pipe->cmds) {
            value = evalCommand(dot, cmd.get(), final);
            // Go digs a nil interface down to "no value" after every stage.
            if (value.isNull())
                value = Value();
            final.present = true;
            final.value = value;
        }
        for (const auto& var : pipe->decl) {
            if (pipe->is_assign) {
                setVar(var->ident[0], value);
            } else {
                vars_.emplace_back(var->ident[0], value);
            }
        }
        return value;
    }

    void setVar(std::string_view name, const Value& v) {
        for (size_t i = vars_.size(); i-- > 0;) {
            if (vars_[i].first == name) {
                vars_[i].second = v;
                return;
            }
        }
        errorf("undefined variable: " + std::string(name));
    }

    const Value& varValue(std::string_view name) {
        for (size_t i = vars_.size(); i-- > 0;) {
            if (vars_[i].first == name)
                return vars_[i].second;
        }
        errorf("undefined variable: " + std::string(name));
    }

    void notAFunction(const std::vector<NodePtr>& args, const Final& final) {
        if (args.size() > 1 || final.present) {
            errorf("can't give argument to non-function " + args[0]->toString());
        }
    }

    Value evalCommand(const Value& dot, const CommandNode* cmd, const Final& final) {
        const Node* first = cmd->args[0].get();
        switch (first->type) {
            case NodeType::Field: {
                auto* f = static_cast<const FieldNode*>(first);
                at(f);
                return evalFieldChain(dot, f, f->ident, 0, &cmd->args, final);
            }
            case NodeType::Chain:
                return evalChain(dot, static_cast<const ChainNode*>(first), &cmd->args, final);
            case NodeType::Identifier:
                return evalFunction(dot, static_cast<const IdentifierNode*>(first), cmd, &cmd->args,
                                    final);
            case NodeType::Pipe:
                notAFunction(cmd->args, final);
                return evalPipeline(dot, static_cast<const PipeNode*>(first));
            case NodeType::Variable:
                return evalVariable(dot, static_cast<const VariableNode*>(first), &cmd->args,
                                    final);
            default:
                break;
        }
        at(first);
        notAFunction(cmd->args, final);
        switch (first->type) {
            case NodeType::Bool:
                return static_cast<const BoolNode*>(first)->value;
            case NodeType::Dot:
                return dot;
            case NodeType::Nil:
                errorf("nil is not a command");
            case NodeType::Number:
                return idealConstant(static_cast<const NumberNode*>(first));
            case NodeType::String:
                return static_cast<const StringNode*>(first)->value;
            default:
                errorf("can't evaluate command " + goQuote(first->toString()));
        }
    }

    Value idealConstant(const NumberNode* n) {
        at(n);
        if (!n->constant_error.empty()) {
            if (n->is_complex)
                errorf("complex constants are not supported: " + n->text);
            errorf(n->constant_error);
        }
        return n->constant;
    }

    Value evalChain(const Value& dot,
                    const ChainNode* chain,
                    const std::vector<NodePtr>* args,
                    const Final& final) {
        at(chain);
        if (chain->node->type == NodeType::Nil) {
            errorf("indirection through explicit nil in " + chain->toString());
        }
        Value receiver = evalArg(dot, ArgType::Any, chain->node.get());
        return evalFieldChainOn(dot, receiver, chain, chain->field, 0, args, final);
    }

    Value evalVariable(const Value& dot,
                       const VariableNode* v,
                       const std::vector<NodePtr>* args,
                       const Final& final) {
        at(v);
        const Value& value = varValue(v->ident[0]);
        if (v->ident.size() == 1) {
            if (args)
                notAFunction(*args, final);
            return value;
        }
        return evalFieldChainOn(dot, value, v, v->ident, 1, args, final);
    }

    Value evalFieldChain(const Value& dot,
                         const Node* node,
                         const std::vector<std::string>& ident,
                         size_t from,
                         const std::vector<NodePtr>* args,
                         const Final& final) {
        return evalFieldChainOn(dot, dot, node, ident, from, args, final);
    }

    Value evalFieldChainOn(const Value& /*dot*/,
                           const Value& receiver,
                           const Node* node,
                           const std::vector<std::string>& ident,
                           size_t from,
                           const std::vector<NodePtr>* args,
                           const Final& final) {
        // Walk by pointer while possible to avoid copying intermediate values.
        const Value* cur = &receiver;
        Value holder;
        static const Final kNoFinal;
        for (size_t i = from; i < ident.size(); ++i) {
            bool last = i + 1 == ident.size();
            const Value* next = evalField(ident[i], node, last ? args : nullptr,
                                          last ? final : kNoFinal, *cur, holder);
            cur = next;
        }
        return *cur;
    }

    // Returns a pointer to the field's value (inside the receiver, or to `holder`).
    const Value* evalField(const std::string& name,
                           const Node* /*node*/,
                           const std::vector<NodePtr>* args,
                           const Final& final,
                           const Value& receiver,
                           Value& holder) {
        static const Value kMissing{};
        static const Value kNull = Value::null();
        if (receiver.isMissing()) {
            if (set_.options().missing_key == MissingKey::Error) {
                errorf("nil data; no entry for key " + goQuote(name));
            }
            return &kMissing;
        }
        if (receiver.isNull())
            errorf("nil pointer evaluating interface {}." + name);
        if (receiver.isMap()) {
            if ((args && args->size() > 1) || final.present) {
                errorf(name + " is not a method but has arguments");
            }
            const Value* found = receiver.find(name);
            if (found)
                return found;
            switch (set_.options().missing_key) {
                case MissingKey::Default:
                    return &kMissing;
                case MissingKey::Zero:
                    return &kNull;
                case MissingKey::Error:
                    errorf("map has no entry for key " + goQuote(name));
            }
        }
        (void)holder;
        errorf("can't evaluate field " + name + " in type " + std::string(receiver.typeName()));
    }

    // --- function calls ------------------------------------------------------------------

    Value evalFunction(const Value& dot,
                       const IdentifierNode* id,
                       const CommandNode* cmd,
                       const std::vector<NodePtr>* args,
                       const Final& final) {
        at(id);
        size_t nargs = args ? args->size() - 1 : 0;
        size_t num_in = nargs + (final.present ? 1 : 0);
        const Node* call_node = cmd ? static_cast<const Node*>(cmd) : id;
        const std::string& name = id->name;
        if (id->builtin == Builtin::None || (overrides_ && overrides_->count(name))) {
            const Function* fn = nullptr;
            if (overrides_) {
                auto it = overrides_->find(name);
                if (it != overrides_->end())
                    fn = &it->second;
            }
            if (!fn) {
                auto it = set_.funcs().find(name);
                if (it == set_.funcs().end())
                    errorf(goQuote(name) + " is not a defined function");
                fn = &it->second;
            }
            std::vector<Value> argv;
            argv.reserve(num_in);
            for (size_t i = 0; i < nargs; ++i) {
                Value v = evalArg(dot, ArgType::Any, (*args)[i + 1].get());
                argv.push_back(v.isMissing() ? Value::null() : std::move(v));
            }
            if (final.present)
                argv.push_back(final.value.isMissing() ? Value::null() : final.value);
            auto r = (*fn)(argv);
            if (!r) {
                at(call_node);
                errorf("error calling " + name + ": " + r.message());
            }
            return std::move(r).value();
        }
        auto wantExactly = [&](size_t n) {
            if (num_in != n) {
                errorf("wrong number of args for " + name + ": want " + std::to_string(n) +
                       " got " + std::to_string(num_in));
            }
        };
        auto wantAtLeast = [&](size_t n) {
            if (num_in < n) {
                errorf("wrong number of args for " + name + ": want at least " + std::to_string(n) +
                       " got " + std::to_string(nargs));
            }
        };
        auto evalAll = [&](ArgType first_type, ArgType rest_type) {
            std::vector<Value> argv;
            argv.reserve(num_in);
            for (size_t i = 0; i < nargs; ++i) {
                argv.push_back(evalArg(dot, i == 0 ? first_type : rest_type, (*args)[i + 1].get()));
            }
            if (final.present) {
                ArgType t = num_in == 1 ? first_type : rest_type;
                if (t == ArgType::String && !final.value.isString()) {
                    if (final.value.isMissing())
                        errorf("invalid value; expected string");
                    errorf("wrong type for value; expected string; got " +
                           std::string(final.value.typeName()));
                }
                argv.push_back(final.value);
            }
            return argv;
        };
        auto fail = [&](const std::string& msg) -> Value {
            at(call_node);
            errorf("error calling " + name + ": " + msg);
        };
        switch (id->builtin) {
            case Builtin::And:
            case Builtin::Or: {
                wantAtLeast(1);
                bool is_or = id->builtin == Builtin::Or;
                Value v;
                for (size_t i = 0; i < nargs; ++i) {
                    v = evalArg(dot, ArgType::ReflectValue, (*args)[i + 1].get());
                    if (isTrue(v) == is_or)
                        return v;
                }
                if (final.present)
                    v = final.value;
                return v;
            }
            case Builtin::Not: {
                wantExactly(1);
                auto argv = evalAll(ArgType::ReflectValue, ArgType::ReflectValue);
                return Value(!isTrue(argv[0]));
            }
            case Builtin::Len: {
                wantExactly(1);
                auto argv = evalAll(ArgType::ReflectValue, ArgType::ReflectValue);
                auto r = builtinLen(argv[0]);
                if (!r)
                    return fail(r.message());
                return *r;
            }
            case Builtin::Index:
            case Builtin::Slice: {
                wantAtLeast(1);
                auto argv = evalAll(ArgType::ReflectValue, ArgType::ReflectValue);
                std::span<const Value> rest(argv.data() + 1, argv.size() - 1);
                auto r = id->builtin == Builtin::Index ? builtinIndex(argv[0], rest)
                                                       : builtinSlice(argv[0], rest);
                if (!r)
                    return fail(r.message());
                return *r;
            }
            case Builtin::Print:
            case Builtin::Println: {
                auto argv = evalAll(ArgType::Any, ArgType::Any);
                std::string s;
                if (id->builtin == Builtin::Print) {
                    appendSprint(s, argv);
                } else {
                    appendSprintln(s, argv);
                }
                return Value(std::move(s));
            }
            case Builtin::Printf: {
                wantAtLeast(1);
                auto argv = evalAll(ArgType::String, ArgType::Any);
                std::string s;
                appendSprintf(s, argv[0].asString(),
                              std::span<const Value>(argv.data() + 1, argv.size() - 1));
                return Value(std::move(s));
            }
            case Builtin::Html:
            case Builtin::Js:
            case Builtin::Urlquery: {
                auto argv = evalAll(ArgType::Any, ArgType::Any);
                std::string s = escapeArgs(argv);
                if (id->builtin == Builtin::Html)
                    return Value(htmlEscape(s));
                if (id->builtin == Builtin::Js)
                    return Value(jsEscape(s));
                return Value(urlQueryEscape(s));
            }
            case Builtin::Eq: {
                wantAtLeast(1);
                auto argv = evalAll(ArgType::ReflectValue, ArgType::ReflectValue);
                auto r =
                    builtinEq(argv[0], std::span<const Value>(argv.data() + 1, argv.size() - 1));
                if (!r)
                    return fail(r.message());
                return Value(*r);
            }
            case Builtin::Ne:
            case Builtin::Lt:
            case Builtin::Le:
            case Builtin::Gt:
            case Builtin::Ge: {
                wantExactly(2);
                auto argv = evalAll(ArgType::ReflectValue, ArgType::ReflectValue);
                Result<bool> r = false;
                switch (id->builtin) {
                    case Builtin::Ne:
                        r = builtinEq(argv[0], std::span<const Value>(argv.data() + 1, 1));
                        if (r)
                            r = !*r;
                        break;
                    case Builtin::Lt:
                        r = builtinLt(argv[0], argv[1]);
                        break;
                    case Builtin::Le:
                        r = builtinLe(argv[0], argv[1]);
                        break;
                    case Builtin::Gt:
                        r = builtinLe(argv[0], argv[1]);
                        if (r)
                            r = !*r;
                        break;
                    default:
                        r = builtinLt(argv[0], argv[1]);
                        if (r)
                            r = !*r;
                        break;
                }
                if (!r)
                    return fail(r.message());
                return Value(*r);
            }
            case Builtin::Call: {
                wantAtLeast(1);
                auto argv = evalAll(ArgType::ReflectValue, ArgType::ReflectValue);
                if (argv[0].isNil())
                    return fail("call of nil");
                return fail("non-function of type " + std::string(argv[0].typeName()));
            }
            case Builtin::None:
                break;
        }
        errorf(goQuote(name) + " is not a defined function");
    }

    Value evalArg(const Value& dot, ArgType type, const Node* n) {
        at(n);
        Value v;
        switch (n->type) {
            case NodeType::Dot:
                v = dot;
                break;
            case NodeType::Nil:
                if (type == ArgType::String)
                    errorf("cannot assign nil to string");
                return type == ArgType::Any ? Value::null() : Value();
            case NodeType::Field: {
                auto* f = static_cast<const FieldNode*>(n);
                at(f);
                v = evalFieldChain(dot, f, f->ident, 0, nullptr, Final{});
                break;
            }
            case NodeType::Variable:
                v = evalVariable(dot, static_cast<const VariableNode*>(n), nullptr, Final{});
                break;
            case NodeType::Pipe:
                v = evalPipeline(dot, static_cast<const PipeNode*>(n));
                break;
            case NodeType::Identifier:
                v = evalFunction(dot, static_cast<const IdentifierNode*>(n), nullptr, nullptr,
                                 Final{});
                break;
            case NodeType::Chain:
                v = evalChain(dot, static_cast<const ChainNode*>(n), nullptr, Final{});
                break;
            case NodeType::Bool:
                if (type == ArgType::String)
                    errorf("expected string; found " + n->toString());
                return static_cast<const BoolNode*>(n)->value;
            case NodeType::Number:
                if (type == ArgType::String)
                    errorf("expected string; found " + n->toString());
                return idealConstant(static_cast<const NumberNode*>(n));
            case NodeType::String:
                return static_cast<const StringNode*>(n)->value;
            default:
                errorf("can't handle " + n->toString() + " for arg");
        }
        if (type == ArgType::String && !v.isString()) {
            if (v.isMissing())
                errorf("invalid value; expected string");
            if (v.isNull())
                errorf("wrong type for value; expected string; got interface {}");
            errorf("wrong type for value; expected string; got " + std::string(v.typeName()));
        }
        return v;
    }

    const TemplateSet& set_;
    const FuncMap* overrides_;
    std::string& out_;
    const Tree* tree_ = nullptr;
    const Node* node_ = nullptr;
    std::vector<std::pair<std::string_view, Value>> vars_;
    int depth_ = 0;
    uintptr_t stack_base_ = 0;
    uint64_t steps_ = 0;
};

}  // namespace

Status executeTree(const TemplateSet& set,
                   const Tree& tree,
                   const Value& dot,
                   const FuncMap* overrides,
                   std::string& out) {
    State state(set, overrides, out);
    try {
        // Top-level dot: a present nil behaves as no data at all.
        state.run(tree, dot.isNull() ? Value() : dot);
    } catch (const ExecError& e) {
        return Status::error(e.message);
    }
    return Status::ok();
}

}  // namespace vq::tmpl
