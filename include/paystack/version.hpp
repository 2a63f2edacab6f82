// paystack/version.hpp
#pragma once

#define PAYSTACK_VERSION_MAJOR 0
#define PAYSTACK_VERSION_MINOR 1
#define PAYSTACK_VERSION_PATCH 0
#define PAYSTACK_VERSION_STRING "0.1.0"
