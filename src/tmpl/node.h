#pragma once
// Parse tree nodes, mirroring text/template/parse/node.go. A tree is immutable once parsed;
// writeTo() reproduces Go's String() (used in error contexts and parse tests).

#include <memory>
#include <string>
#include <vector>

#include "tmpl/value.h"

namespace vq::tmpl {

enum class NodeType {
    Text,
    Action,
    Bool,
    Chain,
    Command,
    Dot,
    Else,
    End,
    Field,
    Identifier,
    If,
    NodeList,
    Nil,
    Number,
    Pipe,
    Range,
    String,
    Template,
    Variable,
    With,
    Comment,
    Break,
    Continue,
};

struct Node {
    Node(NodeType t, int p) : type(t), pos(p) {}
    virtual ~Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    virtual void writeTo(std::string& out) const = 0;
    std::string toString() const {
        std::string s;
        writeTo(s);
        return s;
    }
    NodeType type;
    int pos;
};

using NodePtr = std::unique_ptr<Node>;

struct ListNode : Node {
    explicit ListNode(int p) : Node(NodeType::NodeList, p) {}
    void writeTo(std::string& out) const override {
        for (const auto& n : nodes)
            n->writeTo(out);
    }
    std::vector<NodePtr> nodes;
};

struct TextNode : Node {
    TextNode(int p, std::string t) : Node(NodeType::Text, p), text(std::move(t)) {}
    void writeTo(std::string& out) const override { out += text; }
    std::string text;
};

struct CommentNode : Node {
    CommentNode(int p, std::string t) : Node(NodeType::Comment, p), text(std::move(t)) {}
    void writeTo(std::string& out) const override { out += "{{" + text + "}}"; }
    std::string text;
};

struct DotNode : Node {
    explicit DotNode(int p) : Node(NodeType::Dot, p) {}
    void writeTo(std::string& out) const override { out += '.'; }
};

struct NilNode : Node {
    explicit NilNode(int p) : Node(NodeType::Nil, p) {}
    void writeTo(std::string& out) const override { out += "nil"; }
};

struct BoolNode : Node {
    BoolNode(int p, bool v) : Node(NodeType::Bool, p), value(v) {}
    void writeTo(std::string& out) const override { out += value.asBool() ? "true" : "false"; }
    Value value;
};

struct NumberNode : Node {
    NumberNode(int p, std::string t) : Node(NodeType::Number, p), text(std::move(t)) {}
    void writeTo(std::string& out) const override { out += text; }
    std::string text;
    bool is_int = false;
    bool is_uint = false;
    bool is_float = false;
    bool is_complex = false;
    int64_t int64 = 0;
    uint64_t uint64 = 0;
    double float64 = 0;
    double imag = 0;  // imaginary part when is_complex (the real part is float64)
    // The value the number has as a command or an untyped argument (Go's idealConstant),
    // computed at parse time; `constant_error` is set when it overflows.
    Value constant;
    std::string constant_error;
};

struct StringNode : Node {
    StringNode(int p, std::string q, std::string t)
        : Node(NodeType::String, p), quoted(std::move(q)), value(std::move(t)) {}
    void writeTo(std::string& out) const override { out += quoted; }
    std::string quoted;
    Value value;  // the unquoted text
};

struct FieldNode : Node {
    FieldNode(int p, std::vector<std::string> id)
        : Node(NodeType::Field, p), ident(std::move(id)) {}
    void writeTo(std::string& out) const override {
        for (const auto& id : ident)
            out += '.' + id;
    }
    std::vector<std::string> ident;
};

struct VariableNode : Node {
    VariableNode(int p, std::vector<std::string> id)
        : Node(NodeType::Variable, p), ident(std::move(id)) {}
    void writeTo(std::string& out) const override {
        for (size_t i = 0; i < ident.size(); ++i) {
            if (i > 0)
                out += '.';
            out += ident[i];
        }
    }
    std::vector<std::string> ident;  // "$x" then field names
};

enum class Builtin {
    None,
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Print,
    Printf,
    Println,
    Html,
    Js,
    Urlquery,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Call,
};

struct IdentifierNode : Node {
    IdentifierNode(int p, std::string n) : Node(NodeType::Identifier, p), name(std::move(n)) {}
    void writeTo(std::string& out) const override { out += name; }
    std::string name;
    Builtin builtin = Builtin::None;  // resolved at parse time; None means a FuncMap entry
};

struct PipeNode;

struct CommandNode : Node {
    explicit CommandNode(int p) : Node(NodeType::Command, p) {}
    void writeTo(std::string& out) const override;
    std::vector<NodePtr> args;
};

struct PipeNode : Node {
    PipeNode(int p, int l) : Node(NodeType::Pipe, p), line(l) {}
    void writeTo(std::string& out) const override {
        if (!decl.empty()) {
            for (size_t i = 0; i < decl.size(); ++i) {
                if (i > 0)
                    out += ", ";
                decl[i]->writeTo(out);
            }
            out += " := ";
        }
        for (size_t i = 0; i < cmds.size(); ++i) {
            if (i > 0)
                out += " | ";
            cmds[i]->writeTo(out);
        }
    }
    int line;
    bool is_assign = false;
    std::vector<std::unique_ptr<VariableNode>> decl;
    std::vector<std::unique_ptr<CommandNode>> cmds;
};

inline void CommandNode::writeTo(std::string& out) const {
    for (size_t i = 0; i < args.size(); ++i) {
        if (i > 0)
            out += ' ';
        if (args[i]->type == NodeType::Pipe) {
            out += '(';
            args[i]->writeTo(out);
            out += ')';
        } else {
            args[i]->writeTo(out);
        }
    }
}

struct ChainNode : Node {
    ChainNode(int p, NodePtr n) : Node(NodeType::Chain, p), node(std::move(n)) {}
    void writeTo(std::string& out) const override {
        if (node->type == NodeType::Pipe) {
            out += '(';
            node->writeTo(out);
            out += ')';
        } else {
            node->writeTo(out);
        }
        for (const auto& f : field)
            out += '.' + f;
    }
    NodePtr node;
    std::vector<std::string> field;
};

struct ActionNode : Node {
    ActionNode(int p, int l, std::unique_ptr<PipeNode> pp)
        : Node(NodeType::Action, p), line(l), pipe(std::move(pp)) {}
    void writeTo(std::string& out) const override {
        out += "{{";
        pipe->writeTo(out);
        out += "}}";
    }
    int line;
    std::unique_ptr<PipeNode> pipe;
};

// if / range / with.
struct BranchNode : Node {
    BranchNode(NodeType t, int p, int l) : Node(t, p), line(l) {}
    void writeTo(std::string& out) const override {
        out += type == NodeType::If ? "{{if " : type == NodeType::Range ? "{{range " : "{{with ";
        pipe->writeTo(out);
        out += "}}";
        list->writeTo(out);
        if (else_list) {
            out += "{{else}}";
            else_list->writeTo(out);
        }
        out += "{{end}}";
    }
    int line;
    std::unique_ptr<PipeNode> pipe;
    std::unique_ptr<ListNode> list;
    std::unique_ptr<ListNode> else_list;
};

struct TemplateNode : Node {
    TemplateNode(int p, int l, std::string n, std::unique_ptr<PipeNode> pp)
        : Node(NodeType::Template, p), line(l), name(std::move(n)), pipe(std::move(pp)) {}
    void writeTo(std::string& out) const override;
    int line;
    std::string name;
    std::unique_ptr<PipeNode> pipe;
};

struct SimpleNode : Node {  // break, continue, else, end
    SimpleNode(NodeType t, int p, int l) : Node(t, p), line(l) {}
    void writeTo(std::string& out) const override {
        switch (type) {
            case NodeType::Break:
                out += "{{break}}";
                break;
            case NodeType::Continue:
                out += "{{continue}}";
                break;
            case NodeType::Else:
                out += "{{else}}";
                break;
            default:
                out += "{{end}}";
                break;
        }
    }
    int line;
};

// One parsed template: its root list plus what error messages need (the name of the
// top-level Parse it came from, and that Parse's text for line/column computation).
struct Tree {
    std::string name;
    std::string parse_name;
    std::shared_ptr<const std::string> text;
    std::unique_ptr<ListNode> root;
};

bool isEmptyTree(const Node* n);

}  // namespace vq::tmpl
